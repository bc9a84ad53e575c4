import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import { Dialog } from "./Dialog";
import { Sheet } from "./Sheet";

function Testing({ onClose }: { onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  return (
    <Sheet title="Edit connection" onClose={onClose}>
      <input aria-label="Host" />
      {busy ? (
        <p>Testing…</p>
      ) : (
        <button type="button" onClick={() => setBusy(true)}>
          Test
        </button>
      )}
    </Sheet>
  );
}

describe("modal focus", () => {
  it("closes on Escape after the focused button went away and focus fell to the body", async () => {
    const user = userEvent.setup();
    const onClose = vi.fn();
    render(<Testing onClose={onClose} />);
    await user.click(screen.getByRole("button", { name: "Test" }));
    expect(screen.getByText("Testing…")).toBeInTheDocument();
    expect(document.activeElement).toBe(document.body);
    await user.keyboard("{Escape}");
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it("gives Escape to the innermost modal only", async () => {
    const user = userEvent.setup();
    const closeSheet = vi.fn();
    const closeDialog = vi.fn();
    render(
      <Sheet title="Edit connection" onClose={closeSheet}>
        <p>form</p>
        <Dialog title="Discard changes?" onClose={closeDialog} actions={<button type="button">Discard</button>}>
          <p>Your edits are lost.</p>
        </Dialog>
      </Sheet>,
    );
    await user.keyboard("{Escape}");
    expect(closeDialog).toHaveBeenCalledTimes(1);
    expect(closeSheet).not.toHaveBeenCalled();
  });
});
