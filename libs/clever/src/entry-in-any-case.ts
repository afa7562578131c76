/**
 * The entry of a folder's listing that is read as the file `name` (Clever's file names are all
 * lower case): `name` itself, else the first entry whose name differs from it only in case
 * (`Users.json`, `STUDENTS.CSV`), as a case-insensitive file system, where many snapshots and
 * uploads are put together, opens it. Undefined when there is none.
 */
export function entryInAnyCase(names: readonly string[], name: string): string | undefined {
  if (names.includes(name)) return name;
  const lower = name.toLowerCase();
  return names.find((entry) => entry.toLowerCase() === lower);
}
