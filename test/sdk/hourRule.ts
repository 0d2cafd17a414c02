import { expect } from "chai";

import { crossesHour, hourBoundaryAfter, hourOfReading, readingSchedule } from "../../sdk/energy.js";

const H = 3_600n;
const T = 486_111n * H; // an hour boundary

describe("sdk/energy: the hour rule", function () {
  it("puts the limit of the next reading at the end of the last reading's clock hour", function () {
    expect(hourBoundaryAfter(T)).to.equal(T + H); // a reading on a boundary starts the next hour
    expect(hourBoundaryAfter(T + 1n)).to.equal(T + H);
    expect(hourBoundaryAfter(T + H - 1n)).to.equal(T + H);
    expect(crossesHour(T + 1n, T + H)).to.equal(false);
    expect(crossesHour(T + 1n, T + H + 1n)).to.equal(true);
    // Whatever does not cross mints in the hour of the reading it closes.
    expect(hourOfReading(T + H)).to.equal(T / H);
  });

  it("continues from the device's last on-chain reading on the interval's grid", function () {
    expect(readingSchedule({ count: 3, after: T + 600n })).to.deep.equal([T + H, T + 2n * H, T + 3n * H]);
    expect(readingSchedule({ count: 3, interval: 900n, after: T + 600n })).to.deep.equal([
      T + 900n,
      T + 1_800n,
      T + 2_700n,
    ]);
    // Every consecutive pair stays inside one clock hour.
    const times = readingSchedule({ count: 10, interval: 1_200n, after: T + 7n });
    [T + 7n, ...times].slice(1).forEach((time, i) => expect(crossesHour([T + 7n, ...times][i], time)).to.equal(false));
  });

  it("ends a fresh device's readings at the given grid point, the first being the baseline", function () {
    expect(readingSchedule({ count: 3, end: T })).to.deep.equal([T - 2n * H, T - H, T]);
    expect(readingSchedule({ count: 2, after: 0n, end: T })).to.deep.equal([T - H, T]);
  });

  it("rejects an interval that does not divide an hour, an end off the grid and a missing end", function () {
    expect(() => readingSchedule({ count: 2, interval: 7_200n, after: T })).to.throw("does not divide an hour");
    expect(() => readingSchedule({ count: 2, interval: 1_000n, after: T })).to.throw("does not divide an hour");
    expect(() => readingSchedule({ count: 2, end: T + 1n })).to.throw("not a multiple");
    expect(() => readingSchedule({ count: 2 })).to.throw("needs the schedule's end");
    expect(() => readingSchedule({ count: 0, after: T })).to.throw("at least one reading");
  });
});
