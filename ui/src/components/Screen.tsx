import type { ReactNode } from "react";

/**
 * A screen's root: its title (focused after navigation, so keyboard and
 * screen-reader users land on the new content) and its body. `fill` lets the
 * body take the remaining height, for screens that scroll a list of their own.
 */
export function Screen({
  id,
  title,
  description,
  actions,
  fill = false,
  children,
}: {
  id: string;
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  fill?: boolean;
  children: ReactNode;
}) {
  const headingId = `screen-${id}-title`;
  return (
    <section
      className={`screen${fill ? " screen--fill" : ""}`}
      data-testid={`screen-${id}`}
      aria-labelledby={headingId}
    >
      <header className="screen__header">
        <div className="screen__heading">
          <h1 id={headingId} className="screen__title" tabIndex={-1}>
            {title}
          </h1>
          {description !== undefined && <p className="screen__description">{description}</p>}
        </div>
        {actions !== undefined && <div className="screen__actions">{actions}</div>}
      </header>
      <div className="screen__body">{children}</div>
    </section>
  );
}
