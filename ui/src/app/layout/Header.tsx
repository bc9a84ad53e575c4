import { Icon } from "../../components/Icon";
import { Kbd } from "../../components/Kbd";
import { useCurrentProject } from "../../ipc/queries";
import { PALETTE_SHORTCUT } from "../shortcuts";
import { EnvStrip } from "./EnvStrip";

export function Header({ onOpenPalette }: { onOpenPalette: () => void }) {
  const project = useCurrentProject();
  const tier = project.data?.database.tier ?? "none";
  return (
    <header className="app-header" data-tier={tier}>
      <div className="app-header__brand">
        <span className="app-header__logo" aria-hidden="true">
          <Icon name="logo" size={18} />
        </span>
        <span className="app-header__product">Strata</span>
      </div>
      <span className="app-header__sep" aria-hidden="true">
        /
      </span>
      <span className="app-header__project" title={project.data?.root}>
        {project.data?.name ?? (project.isPending ? "Opening project…" : "No project")}
      </span>
      <div className="app-header__spacer" />
      <EnvStrip project={project} />
      <button
        type="button"
        className="palette-trigger"
        onClick={onOpenPalette}
        aria-keyshortcuts="Control+K Meta+K"
        aria-haspopup="dialog"
      >
        <Icon name="search" size={14} />
        <span className="palette-trigger__label">Commands</span>
        <Kbd keys={PALETTE_SHORTCUT} />
      </button>
    </header>
  );
}
