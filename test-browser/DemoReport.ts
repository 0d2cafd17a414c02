import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import type { Browser } from "playwright-core";

import { expect } from "chai";
import { network } from "hardhat";
import { setupLogger } from "named-logs-console";

import { MIN_TEXT_PX, WIDTHS, checkPage, launch, type PageFindings } from "../scripts/report/check-report.js";
import { renderHtml } from "../tasks/demo/render-html.js";
import { runScenario } from "../tasks/demo/scenario.js";

/**
 * The demo report as a reader sees it, in a real headless Chromium at a desktop and a phone width. Not part of
 * `npm test` (a fresh machine may have no Chromium): `scripts/report/with-chromium.sh npm test -- test-browser/*.ts`
 * installs Debian's Chromium when missing and runs it; CI does so.
 */
describe("the demo report in a browser", function () {
  this.timeout(600_000);
  let dir: string;
  let file: string;
  let browser: Browser;
  const findings = new Map<number, PageFindings>();

  before(async function () {
    setupLogger(["rocketh", "@rocketh/node"], { enabled: false });
    const { provider, ethers, networkHelpers } = await network.create({
      network: "hardhat",
      override: { initialDate: new Date("2026-03-02T00:00:00Z") },
    });
    const log = console.log;
    console.log = () => {}; // the demo's progress lines
    try {
      // `npm run demo`'s defaults: what a newcomer opens first.
      const report = await runScenario(provider, ethers, networkHelpers, {
        periods: 4,
        devices: 2,
        agents: 3,
        seed: 42,
      });
      dir = mkdtempSync(join(tmpdir(), "joulestack-report-"));
      file = join(dir, "demo.html");
      writeFileSync(file, renderHtml(report));
    } finally {
      console.log = log;
    }
    browser = await launch();
    for (const width of WIDTHS) findings.set(width, await checkPage(browser, file, width));
  });

  after(async function () {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const width of WIDTHS) {
    describe(`at ${width} px`, function () {
      it("fits the page: nothing sticks out sideways", function () {
        expect(findings.get(width)!.overflowPx).to.equal(0);
      });

      it(`renders no text smaller than ${MIN_TEXT_PX} px`, function () {
        const page = findings.get(width)!;
        expect(page.textsMeasured, "text was measured").to.be.greaterThan(200);
        expect(page.smallText).to.deep.equal([]);
      });

      it("draws chart labels that overlap neither each other nor the flow chart's nodes", function () {
        const page = findings.get(width)!;
        expect(page.chartLabelsMeasured, "chart labels were measured").to.be.greaterThan(40);
        expect(page.overlaps).to.deep.equal([]);
      });

      it("loads nothing but itself and runs no script", function () {
        const page = findings.get(width)!;
        expect(page.requests).to.deep.equal([pathToFileURL(file).href]);
        expect(page.scripts).to.equal(0);
      });
    });
  }
});
