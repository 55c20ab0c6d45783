/**
 * The SQLite thread's opt-in statement table (MADOGUCHI_SQLITE_STATS=1): it prints SQL text, so whatever a statement
 * wrote into its text (a literal) is masked, and lists of placeholders fold into one shape.
 */
import { describe, expect, it } from 'vitest';
import { parameterCount, recordStatement, sqlShape, takeSqliteStats, timeUnit } from './sqlite-stats.js';

describe('sqlite stats', () => {
  it('masks string and number literals, keeps names, folds placeholder lists', () => {
    expect(sqlShape(`select "r"."data" from "residents" as "r" where "r"."name" = '山田 太郎' and "r"."pin" = 1234`)).toBe(
      `select "r"."data" from "residents" as "r" where "r"."name" = '…' and "r"."pin" = N`,
    );
    expect(sqlShape(`insert into "t" ("a", "b2") values (?, ?), (?, ?)`)).toBe(`insert into "t" ("a", "b2") values (?…), (?…)`);
    expect(sqlShape(`select 'it''s', x1 from t where y in (?, ?,?)`)).toBe(`select '…', x1 from t where y in (?…)`);
  });

  it('counts the parameters outside literals and quoted names', () => {
    expect(parameterCount(`select ? , "a?" from t where b = '?' and c in (?, ?)`)).toBe(3);
  });

  it('prints counts and times by shape, and units with their statements, never a literal', async () => {
    takeSqliteStats(); // clears what an earlier test left
    await timeUnit('test.unit', async () => {
      recordStatement(`select * from "t" where "name" = '山田'`, 100, 80);
      recordStatement(`select * from "t" where "name" = '鈴木'`, 300, 200);
    });
    const table = takeSqliteStats();
    expect(table).not.toMatch(/山田|鈴木/);
    const line = table.split('\n').find((l) => l.includes(`select * from "t" where "name" = '…'`));
    expect(line?.trim().split(/\s+/).slice(0, 3)).toEqual(['2', '400', '200']);
    // count, total, statements µs, other (negative here: the statements were made up), statements, CPU, statements CPU
    expect(table).toMatch(/\s1\s+\d+\s+400\s+-?\d+\s+2\s+\d+\s+280\s+-?\d+\s+test\.unit/);
    expect(takeSqliteStats()).not.toMatch(/test\.unit/);
  });
});
