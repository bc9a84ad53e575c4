import { render } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import type { EventOutcome } from "../ipc/bindings";
import { OutcomeBadge } from "./OutcomeBadge";

const ALL: EventOutcome[] = ["ok", "failed", "partial", "cancelled"];

describe("OutcomeBadge", () => {
  it("shows each outcome with its own word and its own icon, never colour alone", () => {
    const seen = ALL.map((outcome) => {
      const { container, unmount } = render(<OutcomeBadge outcome={outcome} />);
      const badge = container.querySelector(".badge");
      const icon = badge?.querySelector("svg[data-icon]");
      const look = {
        word: badge?.textContent ?? "",
        icon: icon?.getAttribute("data-icon") ?? "",
        tone: [...(badge?.classList ?? [])].find((c) => c.startsWith("badge--")) ?? "",
        paths: icon?.querySelectorAll("path").length ?? 0,
      };
      unmount();
      return look;
    });
    expect(seen.map((s) => s.word)).toEqual(["ok", "failed", "partial", "cancelled"]);
    expect(new Set(seen.map((s) => s.icon)).size).toBe(ALL.length);
    expect(seen.every((s) => s.paths > 0 && s.icon !== "")).toBe(true);
    expect(seen.map((s) => s.tone)).toEqual(["badge--success", "badge--danger", "badge--warning", "badge--neutral"]);
  });
});
