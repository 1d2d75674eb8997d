import { openDatabase } from '/work/wt-inbound/src/store/database.js';
import { migrate } from '/work/wt-inbound/src/store/migrate.js';
const mb = () => Math.round(process.memoryUsage().rss / 2 ** 20);
console.log('node alone', mb());
const db = await openDatabase({ dataDir: process.argv[2] || undefined });
await migrate(db);
console.log('PGlite open + migrated', mb());
const r = await db.query<{ setting: string; name: string }>("SELECT name, setting FROM pg_settings WHERE name IN ('shared_buffers','work_mem','temp_buffers','maintenance_work_mem','wal_buffers')");
console.log(JSON.stringify(r));
// 2,000 locations of 10 EVSEs
await db.query(`INSERT INTO objects (module, country_code, party_id, object_id, data, last_updated) SELECT 'locations','US','C00','L'||i, jsonb_build_object('id','L'||i,'evses','[]'::jsonb,'pad',repeat('x',600)), now() FROM generate_series(1,20000) i`);
await db.query(`INSERT INTO location_evses SELECT 'US','C00','L'||(i/10),'E'||i,i, jsonb_build_object('uid','E'||i,'pad',repeat('y',300)) FROM generate_series(1,200000) i`);
console.log('with 200k EVSE rows', mb());
await db.close();
