// Admin form fields that show their error next to them (invariant 8: forms re-render with the message).
import { errorText } from "../http/form-errors";
import type { FieldError } from "../http/problem";
import type { Lang } from "../i18n";

export type FormErrors = Record<string, string>;

/** Field errors keyed by field name (the first message of each), said in the page's language. */
export const errorsByField = (errors: FieldError[], lang: Lang): FormErrors => {
  const out: FormErrors = {};
  for (const e of errors) out[e.field.split(".")[0] ?? e.field] ??= errorText(lang, e);
  return out;
};

type FieldProps = {
  name: string;
  label: string;
  errors?: FormErrors;
  hint?: string;
};

/** The error paragraph and the aria attributes that tie it to its input. */
function describe(props: FieldProps) {
  const error = props.errors?.[props.name];
  const id = `${props.name}-error`;
  return {
    error,
    aria: error ? { "aria-invalid": "true" as const, "aria-describedby": id } : {},
    message: error ? (
      <small class="field-error" id={id}>
        {error}
      </small>
    ) : null,
  };
}

export function TextField(
  props: FieldProps & {
    value?: string | null;
    type?: string;
    required?: boolean;
    placeholder?: string;
    maxlength?: number;
  },
) {
  const d = describe(props);
  return (
    <label>
      {props.label}
      <input
        type={props.type ?? "text"}
        name={props.name}
        value={props.value ?? ""}
        required={props.required}
        placeholder={props.placeholder}
        maxlength={props.maxlength}
        {...d.aria}
      />
      {props.hint ? <small>{props.hint}</small> : null}
      {d.message}
    </label>
  );
}

export function TextArea(
  props: FieldProps & { value?: string | null; rows?: number; required?: boolean },
) {
  const d = describe(props);
  return (
    <label>
      {props.label}
      <textarea name={props.name} rows={props.rows ?? 5} required={props.required} {...d.aria}>
        {props.value ?? ""}
      </textarea>
      {props.hint ? <small>{props.hint}</small> : null}
      {d.message}
    </label>
  );
}

export function SelectField(
  props: FieldProps & {
    value?: string | null;
    options: readonly (string | { value: string; label: string })[];
  },
) {
  const d = describe(props);
  return (
    <label>
      {props.label}
      <select name={props.name} {...d.aria}>
        {props.options.map((o) => {
          const option = typeof o === "string" ? { value: o, label: o } : o;
          return (
            <option value={option.value} selected={option.value === props.value}>
              {option.label}
            </option>
          );
        })}
      </select>
      {d.message}
    </label>
  );
}
