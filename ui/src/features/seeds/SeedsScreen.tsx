/**
 * The Seeds screen: the form (database, environment, datasets in dependency order, row counts,
 * seed value, mode, saved profiles), Preview (first rows and a rolled-back dry run) and Run
 * (a progress bar per dataset, Cancel, the counts). Server state is TanStack Query; a run's
 * result stays in component state (it may carry generated passwords, shown once).
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { Button } from "../../components/Button";
import { EmptyState } from "../../components/EmptyState";
import { ErrorState } from "../../components/ErrorState";
import { Icon } from "../../components/Icon";
import { LoadingState } from "../../components/LoadingState";
import { Screen } from "../../components/Screen";
import { TierBadge } from "../../components/TierBadge";
import { describeError, ipc, type SeedDatasetInfo, type SeedPreview, type TimelineTarget } from "../../ipc/client";
import { queryKeys, useProjects, useSeedCatalog, useSeedProfiles, useSeedSecrets, useSeedTargets } from "../../ipc/queries";
import { DatasetList } from "./DatasetList";
import { ConfirmRunDialog, DeleteProfileDialog, PasswordsDialog, SaveProfileDialog } from "./dialogs";
import { FormOptions } from "./FormOptions";
import {
  confirmationWord,
  datasetsFor,
  formErrors,
  fromProfile,
  initialForm,
  neededSecrets,
  targetRefusal,
  toProfileForm,
  toSeedForm,
  withDependencies,
  type FormState,
} from "./form";
import { PreviewPanel } from "./PreviewPanel";
import { RunPanel } from "./RunPanel";
import { SecretsField } from "./SecretsField";
import { useSeedRun } from "./useSeedRun";
import "./seeds.css";

export function SeedsScreen() {
  const projects = useProjects();
  const [chosenProject, setProject] = useState<string | null>(null);
  const list = projects.data ?? [];
  const project =
    (chosenProject !== null && list.some((p) => p.root === chosenProject) ? chosenProject : null) ??
    (list.find((p) => p.default) ?? list[0])?.root ??
    null;
  const catalog = useSeedCatalog(project);
  const targets = useSeedTargets(project);

  let body;
  if (projects.isPending || (project !== null && (catalog.isPending || targets.isPending))) {
    body = <LoadingState label="Reading the project’s seed datasets…" />;
  } else if (projects.isError || catalog.isError || targets.isError) {
    const error = describeError(projects.error ?? catalog.error ?? targets.error);
    body = (
      <ErrorState
        title="The seed datasets could not be read"
        summary={error.summary}
        message={error.message}
        code={error.code}
        onRetry={() => void (catalog.isError ? catalog.refetch() : targets.isError ? targets.refetch() : projects.refetch())}
        retrying={catalog.isFetching || targets.isFetching || projects.isFetching}
      />
    );
  } else if (project === null || catalog.data === undefined || catalog.data.datasets.length === 0) {
    body = (
      <EmptyState title="No seed datasets" icon={<Icon name="seeds" size={28} />}>
        <p>
          This project’s seeds folder holds no datasets. Add YAML, JSON, CSV or SQL datasets under seeds/ (see
          seeds/README.md in the demo project), then come back.
        </p>
      </EmptyState>
    );
  } else {
    body = (
      <SeedsForm key={project} project={project} datasets={catalog.data.datasets} targets={targets.data ?? []} />
    );
  }

  return (
    <Screen
      id="seeds"
      title="Seeds"
      description="Fill an environment’s tables from the project’s datasets: preview, then run."
      fill
      actions={
        list.length > 1 && project !== null ? (
          <label className="seeds-picker">
            <span className="seeds-label">Project</span>
            <select className="select" data-testid="seeds-project" value={project} onChange={(e) => setProject(e.target.value)}>
              {list.map((p) => (
                <option key={p.root} value={p.root} title={p.root}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        ) : undefined
      }
    >
      {body}
    </Screen>
  );
}

type Output = { kind: "none" } | { kind: "preview"; preview: SeedPreview; target: string | null } | { kind: "run"; target: string };

function SeedsForm({
  project,
  datasets,
  targets,
}: {
  project: string;
  datasets: SeedDatasetInfo[];
  targets: TimelineTarget[];
}) {
  const client = useQueryClient();
  const profiles = useSeedProfiles(project);
  const [form, setForm] = useState<FormState>(() => initialForm(datasets));
  const [targetId, setTargetId] = useState<string | null>(null);
  const [profile, setProfile] = useState({ name: "", changed: false });
  const [output, setOutput] = useState<Output>({ kind: "none" });
  const [confirming, setConfirming] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const run = useSeedRun();

  const target = targets.find((t) => t.id === targetId) ?? targets[0] ?? null;
  const { included, neededBy } = useMemo(() => withDependencies(datasets, form.chosen), [datasets, form.chosen]);
  const errors = formErrors(datasets, form);
  const valid = Object.keys(errors).length === 0;
  const secretsNeeded = neededSecrets(datasets, included);
  const secrets = useSeedSecrets(project, secretsNeeded.length > 0);
  const secretStates = secrets.data ?? [];
  const missingSecrets = secretsNeeded.filter((n) => !secretStates.find((s) => s.name === n)?.stored);
  const refusal = target === null ? null : targetRefusal(target, form.environment);
  const running = run.state.phase === "running";

  const preview = useMutation({
    mutationFn: () => ipc.seedPreview(project, target?.id ?? null, toSeedForm(datasets, form), 5),
    onSuccess: (p) => setOutput({ kind: "preview", preview: p, target: target?.label ?? null }),
  });

  const saveProfile = useMutation({
    mutationFn: ({ name, replace }: { name: string; replace: boolean }) =>
      ipc.saveSeedProfile(project, name, toProfileForm(datasets, form), replace),
    onSuccess: (all, { name }) => {
      client.setQueryData(queryKeys.seedProfiles(project), all);
      setProfile({ name, changed: false });
      setSaving(false);
    },
  });

  const deleteProfile = useMutation({
    mutationFn: (name: string) => ipc.deleteSeedProfile(project, name),
    onSuccess: (all) => {
      client.setQueryData(queryKeys.seedProfiles(project), all);
      setProfile({ name: "", changed: false });
      setDeleting(false);
    },
  });

  const update = (change: Partial<FormState>) => {
    setForm((f) => {
      const next = { ...f, ...change };
      // Another environment starts from all of its datasets.
      if (change.environment !== undefined && change.environment !== f.environment) {
        next.chosen = new Set(datasetsFor(datasets, change.environment).map((d) => d.name));
      }
      return next;
    });
    setProfile((p) => ({ ...p, changed: p.name !== "" }));
  };

  const startRun = (confirmation: string | null) => {
    if (target === null) return;
    setConfirming(null);
    setOutput({ kind: "run", target: target.label });
    run.start(project, target.id, toSeedForm(datasets, form), confirmation);
  };

  const onRun = () => {
    if (target === null) return;
    const word = confirmationWord(target, form.environment);
    if (word !== null) setConfirming(word);
    else startRun(null);
  };

  const runBlocked =
    !valid || target === null || refusal !== null || missingSecrets.length > 0 || running || preview.isPending;

  return (
    <div className="seeds-layout">
      <form
        className="seeds-form"
        aria-label="Seed form"
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) preview.mutate();
        }}
      >
        <div className="seeds-row">
          <label className="seeds-picker seeds-picker--grow">
            <span className="seeds-label">Database</span>
            <select
              className="select"
              data-testid="seeds-target"
              value={target?.id ?? ""}
              disabled={running}
              onChange={(e) => setTargetId(e.target.value)}
            >
              {targets.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.label}
                  {t.protection.readOnly ? " (read-only)" : ""}
                </option>
              ))}
            </select>
          </label>
          {target !== null && (
            <span className="seeds-target-facts" title={target.location}>
              <TierBadge tier={target.tier} />
              <span className="seeds-muted seeds-ellipsis">{target.location}</span>
            </span>
          )}
        </div>
        <div className="seeds-row">
          <label className="seeds-picker seeds-picker--grow">
            <span className="seeds-label">Profile</span>
            <select
              className="select"
              data-testid="seeds-profile"
              value={profile.name}
              disabled={running}
              onChange={(e) => {
                const p = profiles.data?.find((x) => x.name === e.target.value);
                if (p !== undefined) {
                  setForm(fromProfile(datasets, p));
                  setProfile({ name: p.name, changed: false });
                } else setProfile({ name: "", changed: false });
              }}
            >
              <option value="">None (a form of your own)</option>
              {(profiles.data ?? []).map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                  {p.name === profile.name && profile.changed ? " (changed)" : ""}
                </option>
              ))}
            </select>
          </label>
          <Button data-testid="seeds-save-profile" disabled={!valid || running} onClick={() => setSaving(true)}>
            Save as profile…
          </Button>
          {profile.name !== "" && (
            <Button variant="ghost" data-testid="seeds-delete-profile" disabled={running} onClick={() => setDeleting(true)}>
              Delete profile
            </Button>
          )}
        </div>
        {target !== null && refusal !== null && (
          <div className="notice notice--warning" role="note" data-testid="seeds-refusal">
            <p className="notice__title">
              <Icon name="lock" size={14} /> Not with this database
            </p>
            <p>{refusal}</p>
          </div>
        )}
        {profiles.isError && (
          <p className="field__error" role="alert">
            ⚠ The saved profiles could not be read: {describeError(profiles.error).message}
          </p>
        )}

        <FormOptions form={form} errors={errors} disabled={running} onChange={update} />

        <fieldset className="seeds-fieldset" disabled={running}>
          <legend className="seeds-label">Datasets, in the order they are applied</legend>
          <DatasetList
            datasets={datasets}
            environment={form.environment}
            chosen={form.chosen}
            included={included}
            neededBy={neededBy}
            counts={form.counts}
            onToggle={(name, on) => {
              const chosen = new Set(form.chosen);
              if (on) chosen.add(name);
              else chosen.delete(name);
              update({ chosen });
            }}
            onCount={(name, text) => update({ counts: { ...form.counts, [name]: text } })}
          />
          {errors.datasets !== undefined && (
            <p className="field__error" role="alert" data-testid="seeds-datasets-error">
              ⚠ {errors.datasets}
            </p>
          )}
        </fieldset>

        <SecretsField
          project={project}
          needed={secretsNeeded}
          states={secretStates}
          error={secrets.isError ? describeError(secrets.error).message : null}
        />

        <div className="seeds-actions">
          <Button type="submit" data-testid="seeds-preview" disabled={!valid || running || preview.isPending}>
            {preview.isPending ? "Previewing…" : "Preview"}
          </Button>
          <Button variant="primary" data-testid="seeds-run" disabled={runBlocked} onClick={onRun}>
            <Icon name="seeds" size={14} /> Run
          </Button>
          {missingSecrets.length > 0 && (
            <span className="seeds-muted">Store {missingSecrets.join(", ")} first.</span>
          )}
        </div>
      </form>

      <section className="seeds-side" aria-label="Preview and results">
        {preview.isError && (
          <ErrorState
            title="The preview could not be made"
            {...pick(describeError(preview.error))}
          />
        )}
        {run.error !== null && output.kind === "run" && (
          <div data-testid="seeds-run-refused">
            <ErrorState title="The run was refused before anything was written" {...pick(describeError(run.error))} />
          </div>
        )}
        {output.kind === "none" && !preview.isError && (
          <EmptyState title="Nothing previewed yet" icon={<Icon name="seeds" size={28} />}>
            <p>
              Preview shows the first rows of each dataset and what a run would insert, update, delete or leave
              unchanged in the chosen database, computed and rolled back. Run applies it.
            </p>
          </EmptyState>
        )}
        {output.kind === "preview" && !preview.isError && <PreviewPanel preview={output.preview} targetLabel={output.target} />}
        {output.kind === "run" && run.error === null && (
          <RunPanel run={run.state} targetLabel={output.target} onCancel={run.cancel} cancelling={run.cancelling} />
        )}
      </section>

      {confirming !== null && target !== null && (
        <ConfirmRunDialog
          target={target}
          environment={form.environment}
          word={confirming}
          onConfirm={startRun}
          onClose={() => setConfirming(null)}
        />
      )}
      {saving && (
        <SaveProfileDialog
          existing={(profiles.data ?? []).map((p) => p.name)}
          saving={saveProfile.isPending}
          error={saveProfile.isError ? describeError(saveProfile.error).message : null}
          onSave={(name, replace) => saveProfile.mutate({ name, replace })}
          onClose={() => {
            setSaving(false);
            saveProfile.reset();
          }}
        />
      )}
      {deleting && profile.name !== "" && (
        <DeleteProfileDialog
          name={profile.name}
          deleting={deleteProfile.isPending}
          error={deleteProfile.isError ? describeError(deleteProfile.error).message : null}
          onDelete={() => deleteProfile.mutate(profile.name)}
          onClose={() => {
            setDeleting(false);
            deleteProfile.reset();
          }}
        />
      )}
      {run.passwords.length > 0 && <PasswordsDialog passwords={run.passwords} onClose={run.dismissPasswords} />}
    </div>
  );
}

function pick(e: ReturnType<typeof describeError>) {
  return { summary: e.summary, message: e.message, code: e.code };
}
