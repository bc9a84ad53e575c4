import type { ReactNode } from "react";

export function Panel({
  title,
  actions,
  children,
  headingLevel = 2,
  className,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  headingLevel?: 2 | 3;
  className?: string;
}) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  return (
    <section className={["panel", className].filter(Boolean).join(" ")}>
      {(title ?? actions) !== undefined && (
        <header className="panel__header">
          {title !== undefined && <Heading className="panel__title">{title}</Heading>}
          {actions !== undefined && <div className="panel__actions">{actions}</div>}
        </header>
      )}
      <div className="panel__body">{children}</div>
    </section>
  );
}
