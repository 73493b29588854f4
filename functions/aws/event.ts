import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
} from "aws-lambda";
import type { WebRequest, WebResponse } from "../shared/router.ts";

/**
 * The events that reach the handler:
 * - API Gateway REST API (payload 1.0): `httpMethod`, `path`, `queryStringParameters`.
 * - API Gateway HTTP API (payload 2.0) and Lambda function URLs (same 2.0 shape): `rawPath`,
 *   `rawQueryString`, `requestContext.http.method`.
 */
export type LambdaEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2;
export type LambdaResult = APIGatewayProxyResult | APIGatewayProxyStructuredResultV2;

/**
 * Payload 2.0 is told by `version` and `requestContext.http` together: a REST event behind a
 * custom-domain base-path mapping can carry stray fields of the other shape.
 */
export function isV2(event: LambdaEvent): event is APIGatewayProxyEventV2 {
  const e = event as Partial<APIGatewayProxyEventV2>;
  return e.version === "2.0" && typeof e.requestContext?.http?.method === "string";
}

export function toWebRequest(event: LambdaEvent): WebRequest {
  const headers = lowerCaseHeaders(event.headers);
  const body =
    event.body === undefined || event.body === null
      ? undefined
      : event.isBase64Encoded
        ? Buffer.from(event.body, "base64")
        : event.body;
  if (isV2(event)) {
    const query = event.rawQueryString ? `?${event.rawQueryString}` : "";
    return {
      method: event.requestContext.http.method,
      url: stripStage(event.rawPath, event.requestContext.stage) + query,
      contentType: headers["content-type"],
      body,
    };
  }
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {}))
    if (v !== undefined) params.set(k, v);
  const query = params.size > 0 ? `?${params}` : "";
  return {
    method: event.httpMethod,
    url: (event.path || "/") + query,
    contentType: headers["content-type"],
    body,
  };
}

/** Responses are JSON or plain text, never binary, so they go back as text and say so. */
export function toResult(res: WebResponse): LambdaResult {
  return { statusCode: res.status, headers: res.headers, body: res.body, isBase64Encoded: false };
}

/** An HTTP API stage other than `$default` prefixes the path with its name. */
function stripStage(path: string, stage: string | undefined): string {
  if (!stage || stage === "$default") return path || "/";
  const prefix = `/${stage}`;
  return path === prefix ? "/" : path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path || "/";
}

function lowerCaseHeaders(
  headers: Record<string, string | undefined> | null | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (typeof v === "string") out[k.toLowerCase()] = v;
  return out;
}
