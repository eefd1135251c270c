// /x/admin/webhooks: subscriptions to the change feed, delivered through a Queue. (Being built: issue 11.)
import type { IRequest } from "itty-router";
import { ApiError } from "../../errors.ts";

const notYet = () => new ApiError(501, "Not implemented yet");

export async function createWebhook(_request: IRequest, _env: Env): Promise<Response> {
  throw notYet();
}
export async function listWebhooks(_request: IRequest, _env: Env): Promise<Response> {
  throw notYet();
}
export async function deleteWebhook(_request: IRequest, _env: Env): Promise<Response> {
  throw notYet();
}
export async function listDeliveries(_request: IRequest, _env: Env): Promise<Response> {
  throw notYet();
}
