// Group administration: /x/admin/groups and members. (Being built: see issue 10.)
import { ApiError } from "../../errors.ts";

const notYet = async (): Promise<Response> => {
  throw new ApiError(501, "Not implemented yet");
};
export const createGroup = notYet;
export const listGroupsRoute = notYet;
export const getGroupRoute = notYet;
export const updateGroup = notYet;
export const deleteGroup = notYet;
export const listMembers = notYet;
export const putMember = notYet;
export const removeMember = notYet;
