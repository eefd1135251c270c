// The baseline: a constant JSON answer on the same runtime (Miniflare → workerd) as the
// registry. Every row of the benchmark is compared with this worker's CPU per request.
const BODY = '{"status":"ok","message":"hello"}';

export default {
  fetch() {
    return new Response(BODY, { headers: { "content-type": "application/json" } });
  },
};
