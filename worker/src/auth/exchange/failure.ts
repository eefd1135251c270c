// How a refused exchange is answered: 401 with the method's official detail and the reason
// in errors[0].message (spec §10.4). Reasons never carry the presented token.
import { ApiError } from "../../errors.ts";

export const TOKEN_EXCHANGE_FAILED = "Token exchange failed";
export const DNS_AUTH_FAILED = "DNS authentication failed";
export const HTTP_AUTH_FAILED = "HTTP authentication failed";

export function exchangeRefused(detail: string, reason: string): ApiError {
  return new ApiError(401, detail, [{ message: reason }]);
}
