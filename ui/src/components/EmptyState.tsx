import type { ReactNode } from "react";

export function EmptyState({
  title,
  children,
  icon,
  actions,
}: {
  title: string;
  children?: ReactNode;
  icon?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="empty-state">
      {icon !== undefined && (
        <div className="empty-state__icon" aria-hidden="true">
          {icon}
        </div>
      )}
      <p className="empty-state__title">{title}</p>
      {children !== undefined && <div className="empty-state__body">{children}</div>}
      {actions !== undefined && <div className="empty-state__actions">{actions}</div>}
    </div>
  );
}
