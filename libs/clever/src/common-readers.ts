import { objectOf, text } from './field-readers';
import type { ValueReader } from './field-readers';

/** `{first, middle, last}`: user names, preferred names, contact names. */
export const personName: ValueReader = objectOf({ first: text, middle: text, last: text });

/** Clever sends coordinates as strings too. */
export const location: ValueReader = objectOf({
  address: text,
  city: text,
  state: text,
  zip: text,
  lat: text,
  lon: text,
});

export const credentials: ValueReader = objectOf({ district_username: text });

/** District extension fields: free-form, but an object. */
export const ext: ValueReader = objectOf();
