/** A list answer: an object, not a bare array, so that fields can be added without breaking clients. */
export interface ItemList<T> {
  items: T[];
}

export const itemList = <T>(items: T[]): ItemList<T> => ({ items });
