// Runs the hub's real search client (themes/hub/static/search.js) under Node for the Rust
// integration tests in tests/cli/search.rs. No dependencies.
//
//   node tests/search_harness.js vectors tests/search_vectors.json
//       prints the JS tokens of every vector as JSON, in the vectors' `term|alt` notation
//   node tests/search_harness.js query OUT_DIR queries.json
//       queries.json: [{"lang","manifest","q"}]; prints [{q, total, results:[{url,title,…}]}]
//       reading the index from the built site in OUT_DIR instead of over HTTP
//   node tests/search_harness.js cost OUT_DIR queries.json
//       for each query, with an empty cache: the files fetched, their bytes (plus the client
//       script), and the time of the same query again once everything is loaded (the bench)
'use strict';
const fs = require('fs');
const path = require('path');
const search = require(path.join(__dirname, '..', 'themes', 'hub', 'static', 'search.js'));

const [cmd, a, b] = process.argv.slice(2);
if (cmd === 'vectors') {
  const vectors = JSON.parse(fs.readFileSync(a, 'utf8'));
  const out = vectors.map((v) => search.tokenize(v.text, v.lang)
    .map((t) => (t.alt !== null ? t.term + '|' + t.alt : t.term)));
  process.stdout.write(JSON.stringify(out));
} else if (cmd === 'query') {
  const queries = JSON.parse(fs.readFileSync(b, 'utf8'));
  const fetchJson = (url) => new Promise((resolve, reject) => {
    fs.readFile(path.join(a, url), 'utf8', (err, text) => {
      if (err) reject(err); else resolve(JSON.parse(text));
    });
  });
  const engines = new Map();
  (async () => {
    const out = [];
    for (const q of queries) {
      if (!engines.has(q.manifest)) engines.set(q.manifest, search.createSearch(q.manifest, q.lang, fetchJson));
      const found = await engines.get(q.manifest).query(q.q);
      out.push({
        q: q.q,
        total: found.total,
        results: found.results.map((r) => ({ url: r.url, title: r.title, all: r.all, phrase: r.phrase, subs: r.subs.map((s) => s.url) })),
      });
    }
    process.stdout.write(JSON.stringify(out));
  })().catch((e) => { console.error(e); process.exit(1); });
} else if (cmd === 'cost') {
  const queries = JSON.parse(fs.readFileSync(b, 'utf8'));
  const client = fs.statSync(path.join(__dirname, '..', 'themes', 'hub', 'static', 'search.js')).size;
  (async () => {
    const out = [];
    for (const q of queries) {
      const fetched = [];
      const engine = search.createSearch(q.manifest, q.lang, (url) => {
        const bytes = fs.readFileSync(path.join(a, url));
        fetched.push([url, bytes.length]);
        return Promise.resolve(JSON.parse(bytes.toString('utf8')));
      });
      const t0 = process.hrtime.bigint();
      const first = await engine.query(q.q);
      const t1 = process.hrtime.bigint();
      const times = [];
      for (let i = 0; i < 5; i++) {
        const s0 = process.hrtime.bigint();
        await engine.query(q.q);
        times.push(Number(process.hrtime.bigint() - s0) / 1e6);
      }
      times.sort((x, y) => x - y);
      const index = fetched.reduce((n, f) => n + f[1], 0);
      out.push({ q: q.q, total: first.total, files: fetched.length, fetched: fetched.map((f) => f[0]), index_bytes: index,
        with_client: index + client, cold_ms: Number(t1 - t0) / 1e6, warm_ms_median: times[2] });
    }
    process.stdout.write(JSON.stringify(out));
  })().catch((e) => { console.error(e); process.exit(1); });
} else {
  console.error('usage: search_harness.js vectors FILE | query OUT_DIR QUERIES');
  process.exit(2);
}
