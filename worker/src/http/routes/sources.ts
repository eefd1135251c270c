// /x/admin/sources: upstream registries mirrored by the cron. (Being built: issue 11.)
import type { IRequest } from "itty-router";
import { ApiError } from "../../errors.ts";

const notYet = () => new ApiError(501, "Not implemented yet");

export async function createSource(_request: IRequest, _env: Env): Promise<Response> {
  throw notYet();
}
export async function listSources(_request: IRequest, _env: Env): Promise<Response> {
  throw notYet();
}
export async function deleteSource(_request: IRequest, _env: Env): Promise<Response> {
  throw notYet();
}
export async function syncSource(_request: IRequest, _env: Env): Promise<Response> {
  throw notYet();
}
