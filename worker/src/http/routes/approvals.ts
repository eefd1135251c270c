// Publishes awaiting approval: /x/admin/groups/{group}/pending. (Being built: see issue 10.)
import { ApiError } from "../../errors.ts";

const notYet = async (): Promise<Response> => {
  throw new ApiError(501, "Not implemented yet");
};
export const listPending = notYet;
export const decidePending = notYet;
