import pg from 'pg';
const c = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
await c.connect();
await c.query('create table if not exists lk_users (id text primary key, credits int)'); await c.query("insert into lk_users values ('u1', 5) on conflict do nothing");
await c.query('create table if not exists lk_jobs (id serial primary key, user_id text)');
const t = async (label: string, fn: () => Promise<unknown>) => { for (let i = 0; i < 200; i++) await fn(); const n = 1000; const t0 = performance.now(); for (let i = 0; i < n; i++) await fn(); console.log(label, ((performance.now() - t0) / n).toFixed(3), 'ms'); };
for (let r = 0; r < 2; r++) {
await t('for update + insert', async () => { await c.query('begin'); await c.query({ name: 'a', text: 'select * from lk_users where id = $1 for update', values: ['u1'] }); await c.query({ name: 'i', text: 'insert into lk_jobs (user_id) values ($1)', values: ['u1'] }); await c.query('commit'); });
await t('advisory + read + insert', async () => { await c.query('begin'); await c.query({ name: 'b', text: "select pg_advisory_xact_lock(hashtextextended('admit:' || $1, 0))", values: ['u1'] }); await c.query({ name: 'r', text: 'select * from lk_users where id = $1', values: ['u1'] }); await c.query({ name: 'i', text: 'insert into lk_jobs (user_id) values ($1)', values: ['u1'] }); await c.query('commit'); });
await t('advisory+read one stmt + insert', async () => { await c.query('begin'); await c.query({ name: 'c', text: "select u.*, pg_advisory_xact_lock(hashtextextended('admit:' || $1, 0)) from lk_users u where id = $1", values: ['u1'] }); await c.query({ name: 'i', text: 'insert into lk_jobs (user_id) values ($1)', values: ['u1'] }); await c.query('commit'); });
}
await c.query('drop table lk_users'); await c.query('drop table lk_jobs');
await c.end();
