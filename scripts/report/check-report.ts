/**
 * Opens an HTML report in headless Chromium at a given viewport width and measures what a reader would see: page
 * overflow, the smallest rendered text, labels of a chart that overlap, the requests the page made and any script.
 *
 *   npx tsx scripts/report/check-report.ts reports/demo.html [--screenshots DIR]
 *
 * Chromium is Debian's (`/usr/bin/chromium`, or CHROMIUM_PATH); `scripts/report/with-chromium.sh` installs it.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { type Browser, chromium } from "playwright-core";

/** The smallest text a reader should have to read, in CSS px. */
export const MIN_TEXT_PX = 11;
export const WIDTHS = [1400, 390] as const;

export interface Overlap {
  readonly chart: string;
  readonly a: string;
  readonly b: string;
}

export interface PageFindings {
  readonly width: number;
  /** How far the page is wider than the viewport (0 when nothing sticks out). */
  readonly overflowPx: number;
  readonly scripts: number;
  /** Every request the page made, by URL. */
  readonly requests: readonly string[];
  /** Visible text smaller than MIN_TEXT_PX, with its rendered size. */
  readonly smallText: readonly { readonly text: string; readonly px: number }[];
  /** Text of one chart whose boxes intersect, or that intersects a node of the flow chart. */
  readonly overlaps: readonly Overlap[];
  /** How many visible text elements were measured (so that a check that saw nothing cannot pass). */
  readonly textsMeasured: number;
  readonly chartLabelsMeasured: number;
}

/**
 * Runs in the page. Plain JavaScript in a string: the TypeScript loader's helpers do not exist in the browser.
 */
const MEASURE = `(minPx) => {
    const visible = (element) => {
      const style = getComputedStyle(element);
      return (
        style.visibility !== "hidden" &&
        style.display !== "none" &&
        element.getClientRects().length > 0 &&
        element.getBoundingClientRect().width > 0
      );
    };
    const ownText = (element) =>
      [...element.childNodes]
        .filter((node) => node.nodeType === Node.TEXT_NODE)
        .map((node) => node.textContent ?? "")
        .join("")
        .trim();

    // Rendered text size: CSS font size, times the SVG's scale for chart text.
    const smallText = [];
    let textsMeasured = 0;
    for (const element of document.body.querySelectorAll("*")) {
      const text = ownText(element);
      if (text === "" || !visible(element) || element.closest("title")) continue;
      let px = parseFloat(getComputedStyle(element).fontSize);
      if (element instanceof SVGGraphicsElement) {
        const ctm = element.getScreenCTM();
        if (ctm) px *= Math.hypot(ctm.a, ctm.b);
      }
      textsMeasured++;
      if (px < minPx - 0.05) smallText.push({ text: text.slice(0, 40), px: Math.round(px * 10) / 10 });
    }

    // Labels of each visible chart must not overlap one another, nor a node of the flow chart.
    const overlaps = [];
    let chartLabelsMeasured = 0;
    const intersect = (a, b) =>
      a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
    for (const svg of document.querySelectorAll("svg")) {
      if (!visible(svg)) continue;
      const chart = svg.getAttribute("aria-label") ?? "chart";
      const texts = [...svg.querySelectorAll("text")].filter((text) => (text.textContent ?? "").trim() !== "");
      const boxes = texts.map((text) => ({ label: text.textContent.trim(), box: text.getBoundingClientRect() }));
      chartLabelsMeasured += boxes.length;
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length; j++) {
          if (intersect(boxes[i].box, boxes[j].box)) overlaps.push({ chart, a: boxes[i].label, b: boxes[j].label });
        }
      }
      for (const node of svg.querySelectorAll("rect.node")) {
        const box = node.getBoundingClientRect();
        for (const label of boxes) {
          if (intersect(label.box, box)) overlaps.push({ chart, a: label.label, b: "a flow node" });
        }
      }
    }
    return {
      overflowPx: Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth),
      scripts: document.querySelectorAll("script").length,
      smallText,
      overlaps,
      textsMeasured,
      chartLabelsMeasured,
    };
}`;

export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(path)) {
    throw new Error(`no Chromium at ${path}: run through scripts/report/with-chromium.sh or set CHROMIUM_PATH`);
  }
  return path;
}

export async function launch(): Promise<Browser> {
  // Root (as in CI) cannot use Chromium's sandbox.
  return chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox", "--disable-gpu"] });
}

/** Loads `htmlPath` at `width` px (on a phone-like device when narrow) and measures it. */
export async function checkPage(
  browser: Browser,
  htmlPath: string,
  width: number,
  screenshot?: string,
): Promise<PageFindings> {
  const narrow = width < 600;
  const context = await browser.newContext({
    viewport: { width, height: narrow ? 844 : 900 },
    deviceScaleFactor: narrow ? 3 : 1,
    isMobile: narrow,
    hasTouch: narrow,
    javaScriptEnabled: true, // only for the measurements below; the page itself has no script
  });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on("request", (request) => requests.push(request.url()));
  // Nothing may leave the machine: anything but the file itself is refused (and still recorded above).
  await page.route("**/*", (route) =>
    route.request().url().startsWith("file://") ? route.continue() : route.abort("blockedbyclient"),
  );
  await page.goto(pathToFileURL(resolve(htmlPath)).href, { waitUntil: "load" });
  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });

  const measured = (await page.evaluate(`(${MEASURE})(${MIN_TEXT_PX})`)) as Omit<PageFindings, "width" | "requests">;
  await context.close();
  return { width, requests, ...measured };
}

async function main() {
  const [htmlPath, ...rest] = process.argv.slice(2);
  if (!htmlPath) throw new Error("usage: check-report.ts REPORT.html [--screenshots DIR]");
  const dir = rest[0] === "--screenshots" ? rest[1] : undefined;
  const browser = await launch();
  try {
    for (const width of WIDTHS) {
      const findings = await checkPage(browser, htmlPath, width, dir ? `${dir}/report-${width}.png` : undefined);
      console.log(JSON.stringify(findings, null, 2));
    }
  } finally {
    await browser.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error) => {
    console.error(`Error: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
