/**
 * A path typed or chosen: an editable text input (so tests and keyboard users can type a path)
 * with "Choose…" buttons beside it that open the native dialog and fill the input.
 */
import { useState } from "react";
import { Button } from "../../components/Button";
import type { FieldControlProps } from "../../components/Field";

export type PathChooser = {
  label: string;
  /** Opens a native dialog; null when the user cancelled. */
  choose: () => Promise<string | null>;
  testId?: string;
};

export function PathInput({
  control,
  value,
  onChange,
  choosers,
  placeholder,
  testId,
  disabled = false,
}: {
  control: FieldControlProps;
  value: string;
  onChange: (path: string) => void;
  choosers: readonly PathChooser[];
  placeholder?: string;
  testId: string;
  disabled?: boolean;
}) {
  const [dialogError, setDialogError] = useState<string | null>(null);
  async function run(chooser: PathChooser) {
    setDialogError(null);
    try {
      const path = await chooser.choose();
      if (path !== null) onChange(path);
    } catch (thrown) {
      // The dialog itself failed (no portal on this desktop…): typing the path still works.
      const reason = thrown instanceof Error ? thrown.message : String(thrown);
      setDialogError(`The file dialog could not open (${reason}); type the path instead.`);
    }
  }
  return (
    <>
      <div className="input-row">
        <input
          {...control}
          className="input input--mono"
          type="text"
          value={value}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          data-testid={testId}
          disabled={disabled}
          onChange={(event) => onChange(event.target.value)}
        />
        {choosers.map((chooser) => (
          <Button
            key={chooser.label}
            data-testid={chooser.testId}
            disabled={disabled}
            onClick={() => void run(chooser)}
          >
            {chooser.label}
          </Button>
        ))}
      </div>
      {dialogError !== null && <p className="field__error">{dialogError}</p>}
    </>
  );
}
