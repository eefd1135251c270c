// Response helpers. Bodies arrive as ready JSON text (see storage/read-cache.ts), so a cached
// answer costs one Response construction and no serialisation.

export function jsonText(body: string | Uint8Array, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "application/json" } });
}

export function json(value: unknown, status = 200): Response {
  return jsonText(JSON.stringify(value), status);
}
