/**
 * Board records. Every record carries `space` = the board id, which is the
 * Syncline space it syncs in. Fields merge one by one (last writer wins per
 * field), so two people editing a card's title and moving it at the same
 * time both keep their change.
 */
export interface List {
  id: string;
  space: string;
  title: string;
  /** Sort key among the board's lists. */
  order: number;
}

export interface Card {
  id: string;
  space: string;
  listId: string;
  title: string;
  /** Sort key inside its list (fractional, so a move writes one field). */
  order: number;
  /** Client time of the last local edit, shown as "edited …". */
  editedAt: number;
}
