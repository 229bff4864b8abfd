import pg from 'pg';
const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
await c.connect();
for (const q of ['select 1', 'begin', 'commit']) { for (let i = 0; i < 200; i++) await c.query(q); }
const t = async (label: string, fn: () => Promise<unknown>) => { const n = 500; const t0 = performance.now(); for (let i = 0; i < n; i++) await fn(); console.log(label, ((performance.now() - t0) / n).toFixed(3), 'ms'); };
await t('select 1', () => c.query('select 1'));
await t('select $1', () => c.query('select $1::int', [1]));
await t('begin+commit', async () => { await c.query('begin'); await c.query('commit'); });
await c.query('create temp table x (id int)');
await t('begin+insert+commit (temp)', async () => { await c.query('begin'); await c.query('insert into x values (1)'); await c.query('commit'); });
await c.query('create table if not exists rt_probe (id serial primary key, v int)');
await t('insert autocommit (real table)', () => c.query('insert into rt_probe (v) values (1)'));
await t('begin+insert+commit (real table)', async () => { await c.query('begin'); await c.query('insert into rt_probe (v) values (1)'); await c.query('commit'); });
await c.query('drop table rt_probe');
await c.end();
