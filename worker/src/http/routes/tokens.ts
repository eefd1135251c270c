// Personal and service tokens: /x/tokens. (Being built: see issue 10.)
import { ApiError } from "../../errors.ts";

const notYet = async (): Promise<Response> => {
  throw new ApiError(501, "Not implemented yet");
};
export const createToken = notYet;
export const listTokens = notYet;
export const revokeToken = notYet;
