import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Every row of every table of each read-model file in `dir`, by projection (the generation left
 * out of the name), in a fixed order: two sets of files compare equal when they hold the same rows
 * (of a full-text table: the same documents) and the same indexes.
 */
export function readModelRows(dir: string): Record<string, Record<string, unknown[]>> {
  const out: Record<string, Record<string, unknown[]>> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.sqlite'))) {
    const db = new Database(join(dir, file), { readonly: true });
    try {
      const all = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string; sql: string }[];
      // A full-text table is compared by its documents; its shadow tables hold segments whose layout
      // depends on the order of writes (a build writes in another order than live did).
      const fullText = all.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql)).map((t) => `${t.name}_`);
      const tables = all.map((t) => t.name).filter((name) => !fullText.some((prefix) => name.startsWith(prefix)));
      out[file.replace(/\.g\d+\.sqlite$/, '')] = {
        ...Object.fromEntries(
          tables.map((t) => {
            const order = db.prepare(`SELECT * FROM ${t} LIMIT 0`).columns().map((_, i) => i + 1);
            return [t, db.prepare(`SELECT * FROM ${t} ORDER BY ${order.join(', ')}`).all()];
          }),
        ),
        // A build makes some indexes only at its end: the file it hands on must have them all.
        '(indexes)': db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all(),
      };
    } finally {
      db.close();
    }
  }
  return out;
}
