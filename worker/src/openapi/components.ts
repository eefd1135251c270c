// The named schemas of the OpenAPI document (components.schemas): the request body models the
// routes validate with, and the response shapes of response-schemas.ts. Each name is the one a
// client generator turns into a type.
import type * as v from "valibot";
import {
  ArgumentSchema,
  IconSchema,
  InputSchema,
  KeyValueInputSchema,
  PackageSchema,
  RepositorySchema,
  ServerJsonSchema,
  TransportSchema,
} from "../domain/server-json/framework-schema.ts";
import { DecisionBody } from "../http/routes/approvals.ts";
import { GitHubTokenBody, KeyProofBody, OidcTokenBody } from "../http/routes/auth.ts";
import { EntryBody, RemoveBody } from "../http/routes/denylist.ts";
import { CreateBody as GroupCreateBody, MemberBody, PatchBody, PolicyBody } from "../http/routes/groups.ts";
import { ReportBody, ResolveBody } from "../http/routes/reports.ts";
import { CreateBody as SourceCreateBody } from "../http/routes/sources.ts";
import { StatusUpdateSchema } from "../http/routes/status.ts";
import { AccessEntry, TokenBody } from "../http/routes/tokens.ts";
import { CreateBody as WebhookCreateBody } from "../http/routes/webhooks.ts";
import * as out from "./response-schemas.ts";

/** Request bodies, exactly the valibot models the routes parse them with. */
export const REQUEST_SCHEMAS = {
  ServerJson: ServerJsonSchema,
  Repository: RepositorySchema,
  Icon: IconSchema,
  Package: PackageSchema,
  Transport: TransportSchema,
  Argument: ArgumentSchema,
  KeyValueInput: KeyValueInputSchema,
  Input: InputSchema,
  StatusUpdate: StatusUpdateSchema,
  GitHubTokenExchange: GitHubTokenBody,
  OidcTokenExchange: OidcTokenBody,
  KeyProofExchange: KeyProofBody,
  ReportRequest: ReportBody,
  ResolveRequest: ResolveBody,
  DenylistEntryRequest: EntryBody,
  DenylistRemoveRequest: RemoveBody,
  GroupCreateRequest: GroupCreateBody,
  GroupPatchRequest: PatchBody,
  GroupPolicy: PolicyBody,
  MemberRequest: MemberBody,
  PendingDecisionRequest: DecisionBody,
  TokenCreateRequest: TokenBody,
  TokenAccess: AccessEntry,
  SourceCreateRequest: SourceCreateBody,
  WebhookCreateRequest: WebhookCreateBody,
} satisfies Record<string, v.GenericSchema>;

/** Response bodies (response-schemas.ts). */
export const RESPONSE_SCHEMAS = {
  ServerResponse: out.ServerResponse,
  OfficialMeta: out.OfficialMeta,
  ModerationMeta: out.ModerationMeta,
  MirrorMeta: out.MirrorMeta,
  ServerList: out.ServerList,
  StatusAllResponse: out.StatusAllResponse,
  PendingVersion: out.PendingVersion,
  ApprovalMeta: out.ApprovalMeta,
  ValidationReport: out.ValidationReport,
  ValidationIssue: out.ValidationIssue,
  RegistryToken: out.RegistryToken,
  Health: out.Health,
  Ping: out.Ping,
  BuildInfo: out.BuildInfo,
  Problem: out.Problem,
  ProblemError: out.ProblemError,
  SearchResults: out.SearchResults,
  SearchResult: out.SearchResult,
  ChangeFeedPage: out.ChangeFeedPage,
  Change: out.Change,
  ReportFiled: out.ReportFiled,
  Report: out.Report,
  ReportList: out.ReportList,
  ResolveResult: out.ResolveResult,
  ModerationLog: out.ModerationLog,
  Decision: out.Decision,
  DenylistEntry: out.DenylistEntry,
  DenylistList: out.DenylistList,
  DenylistAdded: out.DenylistAdded,
  DenylistRemoved: out.DenylistRemoved,
  AuditEntry: out.AuditEntry,
  AuditLog: out.AuditLog,
  AuthFailureCount: out.AuthFailureCount,
  AuthFailures: out.AuthFailures,
  Group: out.Group,
  GroupList: out.GroupList,
  GroupDeleted: out.GroupDeleted,
  Member: out.Member,
  MemberList: out.MemberList,
  MemberRemoved: out.MemberRemoved,
  PendingList: out.PendingList,
  PendingRejected: out.PendingRejected,
  ApiToken: out.ApiToken,
  ApiTokenCreated: out.ApiTokenCreated,
  ApiTokenList: out.ApiTokenList,
  Source: out.Source,
  SourceList: out.SourceList,
  SourceSync: out.SourceSync,
  Webhook: out.Webhook,
  WebhookList: out.WebhookList,
  WebhookDeleted: out.WebhookDeleted,
  Delivery: out.Delivery,
  DeliveryList: out.DeliveryList,
  ProtectedResourceMetadata: out.ProtectedResourceMetadata,
} satisfies Record<string, v.GenericSchema>;

export const COMPONENTS = { ...REQUEST_SCHEMAS, ...RESPONSE_SCHEMAS };

export type ComponentName = keyof typeof COMPONENTS;
