import { EmptyState } from "../../components/EmptyState";
import { Icon } from "../../components/Icon";
import { Screen } from "../../components/Screen";

export function HistoryScreen() {
  return (
    <Screen id="history" title="History">
      <EmptyState title="The history log is not built yet" icon={<Icon name="history" size={28} />}>
        <p>
          This screen will show the event log across environments (every apply, rollback,
          repair, baseline and seed, with who ran it, from which host, when and for how long),
          filterable and exportable.
        </p>
      </EmptyState>
    </Screen>
  );
}
