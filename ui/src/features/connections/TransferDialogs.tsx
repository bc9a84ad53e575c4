/**
 * Import and export of connections. The path is typed or chosen in the native dialog; an
 * export never holds a password, an import reports what it saved (and renamed) and what it
 * rejected, with the reasons.
 */
import { useState } from "react";
import { Button } from "../../components/Button";
import { Dialog } from "../../components/Dialog";
import { Field } from "../../components/Field";
import type { ImportReport } from "../../ipc/bindings";
import { describeError } from "../../ipc/client";
import { plural } from "../../lib/format";
import { chooseFile, chooseSaveFile } from "../../platform/dialog";
import { PathInput } from "./PathInput";
import { useExportConnections, useImportConnections } from "./useConnectionActions";

const JSON_FILTERS = [{ name: "Strata connections", extensions: ["json"] }];

function Failure({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  return (
    <p className="notice notice--danger" role="alert">
      {describeError(error).message}
    </p>
  );
}

export function ExportDialog({ onClose }: { onClose: () => void }) {
  const exporter = useExportConnections();
  const [path, setPath] = useState("");
  const done = exporter.isSuccess ? exporter.data : null;
  return (
    <Dialog
      title="Export connections"
      onClose={onClose}
      testId="conn-export-dialog"
      actions={
        done !== null ? (
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>Cancel</Button>
            <Button
              variant="primary"
              data-testid="conn-export-confirm"
              disabled={path.trim() === "" || exporter.isPending}
              onClick={() => exporter.mutate(path.trim())}
            >
              Export
            </Button>
          </>
        )
      }
    >
      <p>Writes every saved connection to a JSON file. Passwords are never included.</p>
      <Field label="Export to">
        {(control) => (
          <PathInput
            control={control}
            testId="conn-export-path"
            value={path}
            placeholder="/path/to/strata-connections.json"
            onChange={setPath}
            choosers={[
              {
                label: "Choose…",
                choose: () =>
                  chooseSaveFile({
                    title: "Export connections to",
                    filters: JSON_FILTERS,
                    defaultPath: "strata-connections.json",
                  }),
              },
            ]}
          />
        )}
      </Field>
      {done !== null && (
        <p className="notice notice--success" role="status" data-testid="conn-export-result">
          Exported {plural(done, "connection")} to {path.trim()}, without passwords.
        </p>
      )}
      <Failure error={exporter.error} />
    </Dialog>
  );
}

export function ImportDialog({ onClose }: { onClose: () => void }) {
  const importer = useImportConnections();
  const [path, setPath] = useState("");
  return (
    <Dialog
      title="Import connections"
      onClose={onClose}
      testId="conn-import-dialog"
      actions={
        importer.isSuccess ? (
          <Button variant="primary" onClick={onClose}>
            Done
          </Button>
        ) : (
          <>
            <Button onClick={onClose}>Cancel</Button>
            <Button
              variant="primary"
              data-testid="conn-import-confirm"
              disabled={path.trim() === "" || importer.isPending}
              onClick={() => importer.mutate(path.trim())}
            >
              Import
            </Button>
          </>
        )
      }
    >
      <p>
        Adds the connections of a Strata export. Their passwords are not in the file: enter them
        when editing.
      </p>
      <Field label="Import from">
        {(control) => (
          <PathInput
            control={control}
            testId="conn-import-path"
            value={path}
            placeholder="/path/to/strata-connections.json"
            onChange={setPath}
            choosers={[
              {
                label: "Choose…",
                choose: () => chooseFile({ title: "Import connections from", filters: JSON_FILTERS }),
              },
            ]}
          />
        )}
      </Field>
      {importer.isSuccess && <ImportResult report={importer.data} />}
      <Failure error={importer.error} />
    </Dialog>
  );
}

function ImportResult({ report }: { report: ImportReport }) {
  return (
    <div className="import-report" role="status" data-testid="conn-import-report">
      <p className="notice notice--success">
        Imported {plural(report.imported.length, "connection")}
        {report.rejected.length > 0 && `; ${plural(report.rejected.length, "connection")} rejected`}.
      </p>
      {report.imported.length > 0 && (
        <ul className="import-report__list">
          {report.imported.map((p) => (
            <li key={p.id}>
              {p.name}
              {p.name !== p.originalName && <span className="muted"> (renamed from “{p.originalName}”)</span>}
            </li>
          ))}
        </ul>
      )}
      {report.rejected.length > 0 && (
        <>
          <p className="import-report__title">Rejected</p>
          <ul className="import-report__list">
            {report.rejected.map((r) => (
              <li key={r.index}>
                <strong>{r.name ?? `Entry ${r.index + 1}`}</strong>
                <ul>
                  {r.errors.map((e) => (
                    <li key={`${e.field}:${e.message}`}>
                      <code>{e.field}</code> {e.message}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
