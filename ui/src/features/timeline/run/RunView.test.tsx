import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { IpcFailure, ipc, type RunEvent, type RunOutcome, type RunRequest } from "../../../ipc/client";
import { renderWithQuery } from "../../../test/render";
import { STEPS, failure, fullRun, runPlan, target } from "./fixtures";
import { RunView } from "./RunView";

vi.mock("../../../ipc/client", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../../ipc/client")>()),
  ipc: { planRun: vi.fn(), runMigrations: vi.fn(), cancelRun: vi.fn(), resolveMigration: vi.fn() },
}));

const planRun = vi.mocked(ipc.planRun);
const runMigrations = vi.mocked(ipc.runMigrations);
const cancelRun = vi.mocked(ipc.cancelRun);

const request: RunRequest = {
  project: "/home/dev/shop",
  target: "c".repeat(32),
  action: { kind: "latest" },
  allowOutOfOrder: false,
  singleTransaction: false,
  confirmation: null,
};

/** A runMigrations whose events and outcome the test sends. */
function controlledRun() {
  let emit: (event: RunEvent) => void = () => {};
  let finish: (outcome: RunOutcome) => void = () => {};
  runMigrations.mockImplementation((_request, _key, onEvent) => {
    emit = onEvent;
    return new Promise<RunOutcome>((resolve) => {
      finish = resolve;
    });
  });
  return {
    emit: (events: RunEvent[]) =>
      act(async () => {
        events.forEach((e) => emit(e));
        // Let the frame that folds them in run.
        await new Promise((resolve) => setTimeout(resolve, 40));
      }),
    finish: (outcome: RunOutcome) =>
      act(async () => {
        finish(outcome);
        await Promise.resolve();
      }),
  };
}

function renderView(onFinished = vi.fn(), onClose = vi.fn()) {
  const user = userEvent.setup();
  renderWithQuery(<RunView request={request} onClose={onClose} onFinished={onFinished} />);
  return { user, onFinished, onClose };
}

beforeEach(() => {
  planRun.mockResolvedValue(runPlan());
});

describe("RunView before running", () => {
  it("shows each planned migration in order with its mode, count, notes and what cannot be undone", async () => {
    const noTx = { ...STEPS[1]!, transactional: false, notes: ["CREATE INDEX CONCURRENTLY cannot run in a transaction"] };
    planRun.mockResolvedValue(
      runPlan({ steps: [STEPS[0]!, noTx], irreversible: [noTx.version], lock: { held: true, holder: "ci on build-7" } }),
    );
    renderView();
    const first = await screen.findByTestId(`run-plan-step-${STEPS[0]!.version}`);
    const second = screen.getByTestId(`run-plan-step-${noTx.version}`);
    expect(first).toHaveTextContent("apply");
    expect(first).toHaveTextContent("in a transaction");
    expect(first).toHaveTextContent("2 statements");
    expect(first).not.toHaveTextContent("cannot be undone");
    expect(second).toHaveTextContent("no transaction");
    expect(second).toHaveTextContent("3 statements");
    expect(second).toHaveTextContent("CREATE INDEX CONCURRENTLY cannot run in a transaction");
    expect(second).toHaveTextContent("cannot be undone");
    expect(first.compareDocumentPosition(second) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.getByTestId("run-lock")).toHaveTextContent("held by ci on build-7");
    expect(screen.getByTestId("run-start")).toHaveTextContent("Apply 2 migrations");
    expect(planRun).toHaveBeenCalledWith({ ...request, confirmation: null });
  });

  it("enables Run only when the typed name matches exactly, and sends it", async () => {
    planRun.mockResolvedValue(runPlan({ target: target({ tier: "production", protection: { readOnly: false, confirmName: "shop_prod" } }) }));
    const run = controlledRun();
    const { user } = renderView();
    const start = await screen.findByTestId("run-start");
    expect(start).toBeDisabled();
    const input = screen.getByTestId("run-confirm-input");
    await user.type(input, "SHOP_PROD");
    expect(start).toBeDisabled();
    expect(screen.getByText(/not the name/)).toBeInTheDocument();
    await user.clear(input);
    await user.type(input, "shop_prod");
    expect(start).toBeEnabled();
    await user.click(start);
    expect(runMigrations).toHaveBeenCalledWith(
      { ...request, confirmation: "shop_prod" },
      expect.any(String),
      expect.any(Function),
    );
    await run.finish({ outcome: "cancelled", message: "stopped", completed: [] });
  });

  it("offers nothing but Close for a read-only target", async () => {
    planRun.mockResolvedValue(runPlan({ target: target({ protection: { readOnly: true, confirmName: "shop" } }) }));
    renderView();
    expect(await screen.findByTestId("run-read-only")).toHaveTextContent("Connections screen");
    expect(screen.queryByTestId("run-start")).not.toBeInTheDocument();
    expect(screen.queryByTestId("run-confirm-input")).not.toBeInTheDocument();
    expect(screen.getByTestId("run-close")).toBeInTheDocument();
  });

  it("shows an out-of-order refusal and re-plans with allowOutOfOrder when asked", async () => {
    planRun.mockRejectedValueOnce(
      new IpcFailure({
        code: "outOfOrder",
        message:
          'a migration is older than the newest applied migration and not applied: 20240101090000. They come from a parallel branch; apply them with --allow-out-of-order (or the app\'s "Apply out of order"), or give them newer versions.',
      }),
    );
    const { user } = renderView();
    const error = await screen.findByTestId("run-plan-error");
    expect(error).toHaveTextContent("parallel branch");
    await user.click(screen.getByTestId("run-allow-out-of-order"));
    expect(await screen.findByTestId("run-start")).toBeEnabled();
    expect(planRun).toHaveBeenLastCalledWith({ ...request, allowOutOfOrder: true, confirmation: null });
  });
  it("offers out of order only for the backend's outOfOrder refusal", async () => {
    planRun.mockRejectedValueOnce(
      new IpcFailure({ code: "project", message: "strata.toml names a migrations folder that does not exist" }),
    );
    renderView();
    await screen.findByTestId("run-plan-error");
    expect(screen.queryByTestId("run-allow-out-of-order")).not.toBeInTheDocument();
  });
});

describe("RunView while running and after", () => {
  it("shows per-migration state, the running statement and progress, then the summary", async () => {
    const run = controlledRun();
    const { user, onFinished } = renderView();
    await user.click(await screen.findByTestId("run-start"));
    const events = fullRun();
    // Up to the second statement of the second migration starting.
    await run.emit(events.slice(0, 12));
    await waitFor(() => expect(screen.getByTestId(`run-step-${STEPS[1]!.version}`)).toHaveAttribute("data-status", "running"));
    expect(screen.getByTestId(`run-step-${STEPS[0]!.version}`)).toHaveAttribute("data-status", "done");
    expect(screen.getByTestId("run-current-statement")).toHaveTextContent("INSERT INTO orders SELECT 1, 1");
    expect(screen.getByTestId(`run-step-${STEPS[1]!.version}`)).toHaveTextContent("Statement 2 of 3, line 4");
    expect(screen.getByTestId("run-progress")).toHaveAttribute("aria-valuenow", "3");
    expect(screen.getByTestId("run-progress")).toHaveAttribute("aria-valuemax", "5");

    await run.emit(events.slice(12));
    await run.finish({
      outcome: "finished",
      report: { target: "x", dryRun: false, steps: STEPS, notes: [], runId: "r", durationMs: 1234 },
    });
    const summary = await screen.findByTestId("run-summary");
    expect(summary).toHaveTextContent("Applied 2 migrations, rolled back 0 migrations in 1.2 s");
    expect(summary).toHaveTextContent("shop staging");
    expect(screen.getByTestId("run-progress")).toHaveAttribute("aria-valuenow", "5");
    await waitFor(() => expect(onFinished).toHaveBeenCalledTimes(1));
  });

  it("gives the failure account: statement, position, message, what was kept and what completed", async () => {
    const run = controlledRun();
    const { user } = renderView();
    await user.click(await screen.findByTestId("run-start"));
    await run.emit(fullRun().slice(0, 12));
    await run.finish({
      outcome: "failed",
      failure: failure({ rolledBack: false, committed: [1, 2] }),
      error: { code: "database", message: "full text", fields: [] },
    });
    const account = await screen.findByTestId("run-failure");
    expect(account).toHaveTextContent("20240102093000 add_orders failed while applying");
    expect(account).toHaveTextContent("Statement 3 of 3");
    expect(account).toHaveTextContent("/home/dev/shop/migrations/20240102093000_add_orders.up.sql:7:1");
    expect(screen.getByTestId("run-failure-statement")).toHaveTextContent("UPDATE orders SET user_id = 1");
    expect(screen.getByTestId("run-failure-message")).toHaveTextContent('relation "orders" does not exist');
    expect(account).toHaveTextContent("Committed statements 1–2 of 3");
    expect(account).toHaveTextContent("20240101090000 create_users");
    expect(screen.getByTestId(`run-step-${STEPS[1]!.version}`)).toHaveAttribute("data-status", "failed");
    // A partial failure can be resolved from here; retry and close are always there.
    expect(screen.getByTestId("run-resolve")).toBeInTheDocument();
    expect(screen.getByTestId("run-retry")).toBeInTheDocument();
  });

  it("says nothing was kept when the failed migration rolled back, and offers no Resolve", async () => {
    const run = controlledRun();
    const { user } = renderView();
    await user.click(await screen.findByTestId("run-start"));
    await run.finish({ outcome: "failed", failure: failure(), error: { code: "database", message: "x", fields: [] } });
    expect(await screen.findByTestId("run-failure")).toHaveTextContent("Rolled back: nothing of it was kept");
    expect(screen.queryByTestId("run-resolve")).not.toBeInTheDocument();
  });

  it("tells a lost connection from a failed statement and says what is known", async () => {
    const run = controlledRun();
    const { user } = renderView();
    await user.click(await screen.findByTestId("run-start"));
    const known = "The connection went while the server committed: it committed whole or not at all.";
    await run.finish({
      outcome: "failed",
      failure: failure({
        index: 0,
        total: 0,
        line: 0,
        column: 0,
        statement: "",
        message: "connection reset by peer",
        rolledBack: false,
        connectionLost: known,
      }),
      error: { code: "database", message: "the connection to … was lost", fields: [] },
    });
    const account = await screen.findByTestId("run-failure");
    expect(account).toHaveTextContent("add_orders lost its connection while applying");
    expect(account).toHaveTextContent("While committing, in /home/dev/shop/migrations/20240102093000_add_orders.up.sql");
    expect(account).toHaveTextContent("The driver said: connection reset by peer");
    expect(screen.getByTestId("run-failure-kept")).toHaveTextContent(known);
    expect(screen.queryByTestId("run-failure-statement")).not.toBeInTheDocument();
    // Nothing the journal recorded as committed: nothing to resolve from here.
    expect(screen.queryByTestId("run-resolve")).not.toBeInTheDocument();
  });

  it("cancels: shows Cancelling… until the outcome arrives, then what completed", async () => {
    cancelRun.mockResolvedValue(true);
    const run = controlledRun();
    const { user, onClose } = renderView();
    await user.click(await screen.findByTestId("run-start"));
    await run.emit(fullRun().slice(0, 9)); // the first migration done, the second started
    const key = runMigrations.mock.calls[0]![1];

    // Closing while it runs is refused with a reason.
    await user.click(screen.getByRole("button", { name: "Close" }));
    expect(onClose).not.toHaveBeenCalled();
    expect(screen.getByText(/still going/)).toBeInTheDocument();

    await user.click(screen.getByTestId("run-cancel"));
    expect(cancelRun).toHaveBeenCalledWith(key);
    expect(screen.getByTestId("run-cancel")).toHaveTextContent("Cancelling…");
    expect(screen.getByTestId("run-cancel")).toBeDisabled();

    await run.finish({ outcome: "cancelled", message: "Cancelled before statement 2 of add_orders.", completed: [STEPS[0]!.version] });
    const cancelled = await screen.findByTestId("run-cancelled");
    expect(cancelled).toHaveTextContent("Cancelled before statement 2 of add_orders.");
    expect(cancelled).toHaveTextContent("20240101090000 create_users");
    expect(screen.queryByTestId("run-cancel")).not.toBeInTheDocument();
    expect(screen.getByTestId(`run-step-${STEPS[0]!.version}`)).toHaveAttribute("data-status", "done");
    expect(screen.getByTestId(`run-step-${STEPS[1]!.version}`)).toHaveAttribute("data-status", "cancelled");
    await user.click(within(screen.getByTestId("run-view")).getByTestId("run-close"));
    expect(onClose).toHaveBeenCalled();
  });

  it("lets Cancel be pressed again when the run was not registered yet", async () => {
    cancelRun.mockResolvedValueOnce(false).mockResolvedValueOnce(true);
    const run = controlledRun();
    const { user } = renderView();
    await user.click(await screen.findByTestId("run-start"));
    await user.click(screen.getByTestId("run-cancel"));
    expect(await screen.findByText(/not going yet/)).toBeInTheDocument();
    expect(screen.getByTestId("run-cancel")).toHaveTextContent(/^Cancel$/);
    await user.click(screen.getByTestId("run-cancel"));
    expect(screen.getByTestId("run-cancel")).toHaveTextContent("Cancelling…");
    expect(cancelRun).toHaveBeenCalledTimes(2);
    await run.finish({ outcome: "cancelled", message: "Cancelled before anything ran.", completed: [] });
    expect(await screen.findByTestId("run-cancelled")).toBeInTheDocument();
    expect(screen.queryByText(/not going yet/)).not.toBeInTheDocument();
  });

  it("shows a refused run in the backend's words and plans again on request", async () => {
    runMigrations.mockRejectedValue(new IpcFailure({ code: "protected", message: "type the database name shop_prod to apply" }));
    const { user } = renderView();
    await user.click(await screen.findByTestId("run-start"));
    expect(await screen.findByRole("alert")).toHaveTextContent("type the database name shop_prod to apply");
    await user.click(screen.getByTestId("run-retry"));
    expect(await screen.findByTestId("run-start")).toBeInTheDocument();
    expect(planRun).toHaveBeenCalledTimes(2);
  });
});
