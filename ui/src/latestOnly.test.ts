import { describe, expect, it } from "vitest";
import { latestOnly } from "./latestOnly";

describe("latestOnly", () => {
  it("delivers only the answer to the latest request", () => {
    const requests = latestOnly();
    const first = requests.begin();
    const second = requests.begin();
    expect(first(), "a superseded query's results are dropped").toBe(false);
    expect(second(), "the newest query's results are shown").toBe(true);
  });

  it("keeps a lone request current until another starts", () => {
    const requests = latestOnly();
    const only = requests.begin();
    expect(only(), "nothing superseded it").toBe(true);
    requests.begin();
    expect(only(), "a newer keystroke supersedes it").toBe(false);
  });
});
