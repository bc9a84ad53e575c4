/**
 * The migration detail pane beside the timeline: a header (version, name, description,
 * author, the caller's actions, close) and the tabs SQL, Checks, Changes and Log over one
 * `migrationDetail` answer. Escape closes it unless a modal or a text field outside the pane
 * has the key. Loading and failure have their own states; a failure can be retried.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { ErrorState } from "../../../components/ErrorState";
import { Icon } from "../../../components/Icon";
import { LoadingState } from "../../../components/LoadingState";
import { describeError, type MigrationDetail, type TimelineTarget } from "../../../ipc/client";
import { useMigrationDetail } from "../../../ipc/queries";
import { ChangesTab } from "./ChangesTab";
import { ChecksTab } from "./ChecksTab";
import { DiffTab } from "./DiffTab";
import { dialectOf, lineCountOf, targetChanges, type Part } from "./detail";
import { LogTab } from "./LogTab";
import type { EditorFocus } from "./SqlEditor";
import { SqlTab } from "./SqlTab";
import "./detail.css";
import "./panels.css";

export type DetailTab = "sql" | "checks" | "changes" | "diff" | "log";

const TABS: { id: DetailTab; label: string }[] = [
  { id: "sql", label: "SQL" },
  { id: "checks", label: "Checks" },
  { id: "changes", label: "Changes" },
  { id: "diff", label: "Diff" },
  { id: "log", label: "Log" },
];

export type MigrationDetailPaneProps = {
  project: string;
  version: string;
  targets: TimelineTarget[];
  /** Reserved for the timeline's row actions (their type belongs to the timeline). */
  onAction?: (action: unknown) => void;
  /** The timeline's actions for this migration, shown in the header. */
  actions?: ReactNode;
  onClose: () => void;
};

function isTextEntry(element: EventTarget | null): boolean {
  if (!(element instanceof HTMLElement)) return false;
  return element.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(element.tagName);
}

export function MigrationDetailPane({ project, version, targets, actions, onClose }: MigrationDetailPaneProps) {
  const detail = useMigrationDetail(project, version);
  const [tab, setTab] = useState<DetailTab>("sql");
  const root = useRef<HTMLElement>(null);
  const titleId = useId();

  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  });
  useEffect(() => {
    function onKeyDown(event: globalThis.KeyboardEvent) {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      // A modal above the timeline owns Escape; so does a search box or field elsewhere.
      if (document.querySelector('[aria-modal="true"]')) return;
      const inside = event.target instanceof Node && root.current?.contains(event.target);
      if (!inside && isTextEntry(event.target)) return;
      event.preventDefault();
      close.current();
    }
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);

  const data = detail.data;
  let body;
  if (detail.isPending) {
    body = <LoadingState label={`Reading migration ${version}…`} />;
  } else if (detail.isError) {
    const error = describeError(detail.error);
    body = (
      <ErrorState
        title={`Migration ${version} could not be read`}
        summary={error.summary}
        message={error.message}
        code={error.code}
        onRetry={() => void detail.refetch()}
        retrying={detail.isFetching}
      />
    );
  } else {
    body = <DetailTabs key={version} project={project} detail={detail.data} targets={targets} tab={tab} onTab={setTab} />;
  }

  return (
    <section ref={root} className="detail-pane" data-testid="detail-pane" aria-labelledby={titleId}>
      <header className="detail-pane__header">
        <div className="detail-pane__heading">
          <p className="detail-pane__version">{version}</p>
          <h2 id={titleId} className="detail-pane__name">
            {data?.name || `Migration ${version}`}
          </h2>
          {data?.description && <p className="detail-pane__description">{data.description}</p>}
          {data?.author && <p className="detail-pane__author">Author: {data.author}</p>}
        </div>
        {actions !== undefined && <div className="detail-pane__actions">{actions}</div>}
        <button
          type="button"
          className="detail-pane__close"
          onClick={onClose}
          aria-label="Close the migration detail"
          title="Close (Escape)"
        >
          <Icon name="close" size={16} />
        </button>
      </header>
      {body}
    </section>
  );
}

function DetailTabs({
  project,
  detail,
  targets,
  tab,
  onTab,
}: {
  project: string;
  detail: MigrationDetail;
  targets: TimelineTarget[];
  tab: DetailTab;
  onTab: (tab: DetailTab) => void;
}) {
  const id = useId();
  const dialect = dialectOf(targets);
  const [part, setPart] = useState<Part>(detail.up === null && detail.down !== null ? "down" : "up");
  const [focus, setFocus] = useState<EditorFocus | null>(null);
  const changes = targetChanges(detail, targets);
  const differing = changes.filter((c) => c.differs).length;
  const warnings = detail.checks.filter((c) => c.level === "warning").length;
  const tabRefs = useRef<Partial<Record<DetailTab, HTMLButtonElement | null>>>({});

  const counts: Record<DetailTab, string | null> = {
    sql: null,
    checks: detail.checks.length > 0 ? String(detail.checks.length) : null,
    changes: differing > 0 ? `${differing} differ` : null,
    diff: null,
    log: detail.events.length > 0 ? String(detail.events.length) : null,
  };

  function onTabKey(event: KeyboardEvent<HTMLDivElement>) {
    const order = TABS.map((t) => t.id);
    const at = order.indexOf(tab);
    let next: DetailTab | undefined;
    if (event.key === "ArrowRight") next = order[(at + 1) % order.length];
    else if (event.key === "ArrowLeft") next = order[(at - 1 + order.length) % order.length];
    else if (event.key === "Home") next = order[0];
    else if (event.key === "End") next = order[order.length - 1];
    if (next === undefined) return;
    event.preventDefault();
    onTab(next);
    tabRefs.current[next]?.focus();
  }

  function showLine(where: Part, line: number) {
    const shown = where === "up" ? detail.up : detail.down;
    if (!shown) return;
    const target = Math.min(line, lineCountOf(shown.sql));
    setPart(where);
    setFocus({ from: target, to: target, statement: null, nonce: (focus?.nonce ?? 0) + 1 });
    onTab("sql");
  }

  let panel;
  switch (tab) {
    case "sql":
      panel = (
        <SqlTab
          detail={detail}
          dialect={dialect}
          part={part}
          onPart={(p) => {
            setPart(p);
            setFocus(null);
          }}
          focus={focus}
          onFocus={setFocus}
        />
      );
      break;
    case "checks":
      panel = (
        <ChecksTab
          checks={detail.checks}
          canShow={(p) => (p === "up" ? detail.up : detail.down) !== null}
          onShow={showLine}
        />
      );
      break;
    case "changes":
      panel = <ChangesTab changes={changes} failures={detail.failures} dialect={dialect} />;
      break;
    case "diff":
      panel = <DiffTab project={project} version={detail.version} targets={targets} />;
      break;
    case "log":
      panel = <LogTab events={detail.events} failures={detail.failures} />;
      break;
  }

  return (
    <div className="detail-pane__body">
      <div className="detail-tabs" role="tablist" aria-label="Migration detail" onKeyDown={onTabKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              tabRefs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`${id}-tab-${t.id}`}
            aria-controls={`${id}-panel`}
            aria-selected={tab === t.id}
            tabIndex={tab === t.id ? 0 : -1}
            className="detail-tabs__tab"
            data-testid={`detail-tab-${t.id}`}
            onClick={() => onTab(t.id)}
          >
            {t.label}
            {counts[t.id] !== null && (
              <span
                className={`detail-tabs__count${
                  (t.id === "checks" && warnings > 0) || t.id === "changes" ? " detail-tabs__count--warn" : ""
                }`}
              >
                {counts[t.id]}
              </span>
            )}
          </button>
        ))}
        {detail.failures.length > 0 && (
          <span className="detail-tabs__unread" title={detail.failures.map((f) => `${f.targetLabel}: ${f.error.message}`).join("\n")}>
            <Icon name="alert" size={12} />
            {detail.failures.length === 1 ? "1 database not read" : `${detail.failures.length} databases not read`}
          </span>
        )}
      </div>
      <div
        className="detail-pane__panel"
        role="tabpanel"
        id={`${id}-panel`}
        aria-labelledby={`${id}-tab-${tab}`}
        data-testid={`detail-panel-${tab}`}
      >
        {panel}
      </div>
    </div>
  );
}
