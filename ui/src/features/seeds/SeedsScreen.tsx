import { EmptyState } from "../../components/EmptyState";
import { Icon } from "../../components/Icon";
import { Screen } from "../../components/Screen";

export function SeedsScreen() {
  return (
    <Screen id="seeds" title="Seeds">
      <EmptyState title="Seeding is not built yet" icon={<Icon name="seeds" size={28} />}>
        <p>
          This screen will seed an environment from a form: pick the datasets in dependency order,
          row counts, a seed value and a mode (insert only, upsert or sync), preview the first
          rows, then run it and see how many rows were inserted, updated or left unchanged.
        </p>
      </EmptyState>
    </Screen>
  );
}
