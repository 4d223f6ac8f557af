// A runnable integration example: the "customer app" side of a Holdfast hosted cancellation.
//   1. npm start                        (Holdfast on http://localhost:3000)
//   2. npx holdfast workspace create --name Demo --default-return-url http://localhost:4000/billing/cancel/callback --json
//   3. HOLDFAST_KEY=hf_live_… node_modules/.bin/bun examples/customer-app.ts
//   4. open http://localhost:4000 and click "Cancel my subscription"
const HOLDFAST_URL = process.env.HOLDFAST_URL ?? "http://localhost:3000";
const HOLDFAST_KEY = process.env.HOLDFAST_KEY;
const PORT = Number(process.env.PORT ?? 4000);
if (!HOLDFAST_KEY) {
  console.error("Set HOLDFAST_KEY to a workspace API key (hf_live_… or hf_test_…)");
  process.exit(1);
}

const home = `<!doctype html><meta charset="utf-8"><title>Demo app</title>
<h1>Your subscription</h1><form method="post" action="/cancel"><button>Cancel my subscription</button></form>`;

// The callback page reads the token from the fragment (never sent to any server by the browser)
// and hands it to this backend, which verifies it before touching billing.
const callbackPage = `<!doctype html><meta charset="utf-8"><title>Cancellation result</title>
<h1>Cancellation result</h1><pre id="result">Verifying…</pre><script src="/callback.js"></script>`;
const callbackJs = `
const token = new URLSearchParams(location.hash.replace(/^#/, "")).get("ci_result_token");
fetch("/api/billing/cancel-callback", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }) })
  .then((r) => r.json()).then((j) => { document.getElementById("result").textContent = JSON.stringify(j, null, 2); });`;

Bun.serve({
  port: PORT,
  async fetch(req) {
    const url = new URL(req.url);
    if (req.method === "GET" && url.pathname === "/") return new Response(home, { headers: { "content-type": "text/html" } });
    if (req.method === "POST" && url.pathname === "/cancel") {
      // Step 1: create the link from the backend. Step 2: redirect the subscriber to it.
      const res = await fetch(`${HOLDFAST_URL}/api/v1/cancel-link`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${HOLDFAST_KEY}` },
        body: JSON.stringify({ userId: "user_123", context: { plan: "pro_monthly", mrr: 129 }, metadata: { source: "demo" } }),
      });
      if (!res.ok) return new Response(`cancel-link failed: ${res.status} ${await res.text()}`, { status: 502 });
      const payload = (await res.json()) as { url: string };
      return Response.redirect(payload.url, 302);
    }
    if (url.pathname === "/billing/cancel/callback") return new Response(callbackPage, { headers: { "content-type": "text/html" } });
    if (url.pathname === "/callback.js") return new Response(callbackJs, { headers: { "content-type": "text/javascript" } });
    if (req.method === "POST" && url.pathname === "/api/billing/cancel-callback") {
      // Step 3: verify the result token before changing billing state.
      const { token } = (await req.json()) as { token: string };
      const res = await fetch(`${HOLDFAST_URL}/api/public/cancel/result`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token }),
      });
      const result = await res.json();
      if (!res.ok) return Response.json({ error: result.error }, { status: 400 });
      // result.outcome is "saved" (apply result.offer) or "canceled" (stop renewal for result.sub).
      return Response.json(result);
    }
    return new Response("not found", { status: 404 });
  },
});
console.log(`Demo app on http://localhost:${PORT}`);
