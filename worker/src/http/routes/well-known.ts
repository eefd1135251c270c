// RFC 9728 protected resource metadata. (Being built: see issue 10.)
import { ApiError } from "../../errors.ts";

const notYet = async (): Promise<Response> => {
  throw new ApiError(501, "Not implemented yet");
};
export const protectedResourceMetadata = notYet;
