/**
 * Field values as they are stored in events: JSON-safe, no Date, no undefined.
 * A record's fields are a nested object; nested objects are compared field by field
 * (`name.first`, `location.zip`), arrays and scalars as whole values (`schools`).
 */
export type Scalar = string | number | boolean | null;
export type FieldValue = Scalar | FieldValue[] | { [key: string]: FieldValue };
export type Fields = { [field: string]: FieldValue };

/** One field-level change, keyed in a {@link FieldChanges} map by its dotted path. */
export interface FieldChange {
  from: FieldValue;
  to: FieldValue;
}
export type FieldChanges = { [path: string]: FieldChange };
