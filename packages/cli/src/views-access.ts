// Views in PostgreSQL that this user cannot write: a role granted only USAGE and SELECT on the
// views' schema, or a read-only replica. There is no file to copy (SQLite's way), so readers use
// them as they are when they are up to date, and otherwise work out what they need elsewhere
// (session.ts says what each command does).
import { readLiveCheckpoint, readRegistration, type ViewDatabase } from '@renewal-ledger/projections';

/**
 * Whether this session may catch the views up: the server takes writes (not a replica, not a
 * read-only session), and the user may create tables in the views' schema (a catch-up of a new
 * view version makes a table set) and write every table in it.
 */
export const postgresViewsWritable = async (views: ViewDatabase): Promise<boolean> => {
  const [row] = await views.query<{ writable: boolean | null }>(
    `SELECT NOT pg_is_in_recovery()
        AND current_setting('transaction_read_only') = 'off'
        AND has_schema_privilege(current_schema(), 'CREATE')
        AND coalesce((SELECT bool_and(has_table_privilege(c.oid, 'INSERT, UPDATE, DELETE'))
                      FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'), true) AS writable`,
  );
  return row?.writable === true;
};

/** How far a view has got: its live checkpoint's position, null when it is not built (at this code's version). */
export interface ViewReach {
  readonly projection: string;
  readonly position: bigint | null;
}

/** The projections given whose views do not reach the store's head (not built, at another version, or behind). */
export const viewsBehind = async (
  views: ViewDatabase,
  projections: readonly { readonly name: string; readonly version: number }[],
  head: bigint,
): Promise<ViewReach[]> => {
  const behind: ViewReach[] = [];
  for (const projection of projections) {
    const live = (await readRegistration(views, projection.name))?.live;
    const checkpoint = live && live.version === projection.version ? await readLiveCheckpoint(views, projection.name) : null;
    const position = checkpoint?.position ?? null;
    if (position === null ? head >= 0n : position < head)
      behind.push({ projection: projection.name, position: checkpoint ? position : null });
  }
  return behind;
};
