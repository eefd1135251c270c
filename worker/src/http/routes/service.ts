// Liveness and build information (spec §3.1–3.3).
import { json } from "../responses.ts";

export function health(_request: unknown, env: Env) {
  return json(env.GITHUB_CLIENT_ID ? { status: "ok", github_client_id: env.GITHUB_CLIENT_ID } : { status: "ok" });
}

export function ping() {
  return json({ pong: true });
}

export function version(_request: unknown, env: Env) {
  return json({ version: env.REGISTRY_VERSION, git_commit: env.GIT_COMMIT, build_time: env.BUILD_TIME });
}
