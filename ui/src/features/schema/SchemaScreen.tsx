import { EmptyState } from "../../components/EmptyState";
import { Icon } from "../../components/Icon";
import { Screen } from "../../components/Screen";

export function SchemaScreen() {
  return (
    <Screen id="schema" title="Schema">
      <EmptyState title="Schema views are not built yet" icon={<Icon name="schema" size={28} />}>
        <p>
          This screen will show the live schema as an object tree, and diffs of it: the effect of a
          migration, drift between a database and the schema its migrations expect, and one
          environment against another, side by side.
        </p>
      </EmptyState>
    </Screen>
  );
}
