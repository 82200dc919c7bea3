using System.Text.Json;
using System.Text.Json.Nodes;

namespace CloudMail.Core.SendApi;

/// <summary>
/// The OpenAPI 3.1 description of the send API, shared by both hosts so that the contract is written once: the two
/// message routes (<see cref="SendApiHttp.MessagesPath"/>), the security schemes and every schema. Each host adds the
/// routes only it serves (where the document itself lives, a health probe) with <see cref="Document"/>. Hand-written
/// so that it states the contract (limits, idempotency, problem details) in words as well as schemas.
/// </summary>
public static class SendApiOpenApi
{
    /// <summary>
    /// The document as UTF-8 JSON, with <paramref name="openApiPath"/> (where it is served) and, when not null,
    /// <paramref name="healthPath"/> (a liveness probe answering 200 <c>ok</c>) added to the shared routes.
    /// </summary>
    public static byte[] Document(string openApiPath, string? healthPath)
    {
        var document = JsonNode.Parse(SharedJson)!.AsObject();
        var paths = document["paths"]!.AsObject();
        if (healthPath is not null)
        {
            paths[healthPath] = JsonNode.Parse("""
                { "get": { "operationId": "health", "security": [], "summary": "Liveness: 200 with body ok while the server runs",
                  "responses": { "200": { "description": "Running.", "content": { "text/plain": { "schema": { "type": "string" } } } } } } }
                """);
        }
        paths[openApiPath] = JsonNode.Parse("""
            { "get": { "operationId": "openApiDocument", "security": [], "summary": "This document",
              "responses": { "200": { "description": "OpenAPI 3.1 document.", "content": { "application/json": { "schema": { "type": "object" } } } } } } }
            """);
        return JsonSerializer.SerializeToUtf8Bytes(document, Indented);
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The routes and components both hosts serve.</summary>
    public const string SharedJson = """
{
  "openapi": "3.1.0",
  "info": {
    "title": "CloudMail send API",
    "version": "1.0.0",
    "description": "Send mail from applications. Authenticate with a per-domain API key (create one with `cloudmail apikey create DOMAIN`) as `Authorization: Bearer <key>` or `X-Api-Key: <key>`. The sender (From, and Sender for raw messages) must be an address in the key's domain. A 202 means the message is stored durably and queued; poll its status with GET. Errors are RFC 7807 problem details (`application/problem+json`) whose `detail` says what to fix and whose `errors` map field paths to messages."
  },
  "security": [
    {
      "bearer": []
    },
    {
      "apiKeyHeader": []
    }
  ],
  "paths": {
    "/api/v1/messages": {
      "post": {
        "operationId": "sendMessage",
        "summary": "Send a message given as JSON or as raw MIME",
        "parameters": [
          {
            "name": "Idempotency-Key",
            "in": "header",
            "required": false,
            "description": "1-255 printable ASCII characters chosen by the client (e.g. a UUID). Retrying with the same key (and the same API key) and the same body returns the same messageId and delivers the message once; the same key with a different body (or Content-Type) is refused with 422.",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 255
            }
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/SendMessageRequest"
              }
            },
            "message/rfc822": {
              "schema": {
                "type": "string",
                "contentMediaType": "message/rfc822"
              },
              "description": "A complete RFC 5322 message. Envelope recipients are taken from To, Cc and Bcc; Bcc is removed before storing; Date and Message-ID are added when missing; bare LF line endings become CRLF. The header block may be at most CloudMail:SendApi:MaxRawHeaderSize bytes; the body is streamed to storage."
            }
          }
        },
        "responses": {
          "202": {
            "description": "Accepted durably (or already accepted under the same Idempotency-Key).",
            "headers": {
              "Location": {
                "schema": {
                  "type": "string"
                },
                "description": "The status URL of the message."
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SubmitResponse"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/Problem",
            "description": "Malformed: not JSON of the documented shape, not an RFC 5322 message, or a bad Idempotency-Key header."
          },
          "401": {
            "$ref": "#/components/responses/Problem",
            "description": "Missing, unknown or revoked API key."
          },
          "403": {
            "$ref": "#/components/responses/Problem",
            "description": "The sender is not in the API key's domain, or the domain is no longer served."
          },
          "413": {
            "$ref": "#/components/responses/Problem",
            "description": "The request or the encoded message is larger than the configured limit (CloudMail:SendApi:MaxRequestSize, MaxMessageSize)."
          },
          "415": {
            "$ref": "#/components/responses/Problem",
            "description": "Content-Type is neither application/json nor message/rfc822."
          },
          "422": {
            "$ref": "#/components/responses/Problem",
            "description": "Well-formed but invalid: bad addresses, no recipients, no body, CR/LF in a header value, a reserved header, invalid base64; a recipient nothing would deliver (an unknown local user, or a remote domain while this server has no outbound route); or an Idempotency-Key used before with a different request."
          },
          "429": {
            "description": "This API key has too many request bytes in flight (CloudMail:SendApi:MaxInFlightBytesPerKey); nothing was accepted. Retry after the Retry-After seconds.",
            "headers": {
              "Retry-After": {
                "schema": {
                  "type": "integer"
                },
                "description": "Seconds to wait before retrying."
              }
            },
            "content": {
              "application/problem+json": {
                "schema": {
                  "$ref": "#/components/schemas/ProblemDetails"
                }
              }
            }
          },
          "503": {
            "$ref": "#/components/responses/Problem",
            "description": "Storage unavailable, or the server receives as many request bytes as it allows (CloudMail:SendApi:MaxInFlightBytes, then with Retry-After); nothing was accepted. Retry with the same Idempotency-Key."
          }
        }
      }
    },
    "/api/v1/messages/{id}": {
      "get": {
        "operationId": "getMessageStatus",
        "summary": "Per-recipient delivery status of a message sent from the key's domain",
        "parameters": [
          {
            "name": "id",
            "in": "path",
            "required": true,
            "schema": {
              "type": "string",
              "pattern": "^[0-9a-f]{28}$"
            }
          }
        ],
        "responses": {
          "200": {
            "description": "Status per envelope recipient.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/MessageStatusResponse"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Problem",
            "description": "Missing, unknown or revoked API key."
          },
          "404": {
            "$ref": "#/components/responses/Problem",
            "description": "No such message for the key's domain."
          },
          "503": {
            "$ref": "#/components/responses/Problem",
            "description": "Storage unavailable."
          }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key `cm_<keyId>_<secret>`."
      },
      "apiKeyHeader": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Api-Key"
      }
    },
    "responses": {
      "Problem": {
        "description": "RFC 7807 problem details.",
        "content": {
          "application/problem+json": {
            "schema": {
              "$ref": "#/components/schemas/ProblemDetails"
            }
          }
        }
      }
    },
    "schemas": {
      "Mailbox": {
        "type": "string",
        "description": "One address: `alice@example.com` or `Alice <alice@example.com>`. No line breaks.",
        "examples": [
          "Alice <alice@example.com>"
        ]
      },
      "MailboxList": {
        "description": "An array of mailboxes; a single string is accepted as a list of one.",
        "oneOf": [
          {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Mailbox"
            }
          },
          {
            "$ref": "#/components/schemas/Mailbox"
          }
        ]
      },
      "SendMessageRequest": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "from"
        ],
        "description": "At least one recipient in to, cc or bcc (at most 100 together by default) and at least one of text, html or attachments. Field names are case-sensitive; unknown fields are refused.",
        "properties": {
          "from": {
            "$ref": "#/components/schemas/Mailbox"
          },
          "to": {
            "$ref": "#/components/schemas/MailboxList"
          },
          "cc": {
            "$ref": "#/components/schemas/MailboxList"
          },
          "bcc": {
            "$ref": "#/components/schemas/MailboxList",
            "description": "Envelope only: never written into the message."
          },
          "replyTo": {
            "$ref": "#/components/schemas/Mailbox"
          },
          "subject": {
            "type": "string",
            "maxLength": 998,
            "description": "No CR or LF."
          },
          "text": {
            "type": "string",
            "description": "text/plain body."
          },
          "html": {
            "type": "string",
            "description": "text/html body; with text, the message is multipart/alternative."
          },
          "attachments": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Attachment"
            }
          },
          "headers": {
            "type": "object",
            "description": "Extra header fields, name to value. Values must not contain CR or LF. Reserved (refused): From, Sender, To, Cc, Bcc, Reply-To, Subject, Date, Message-ID, Received, Return-Path, Delivered-To, Authentication-Results, DKIM-Signature, Received-SPF, MIME-Version, Content-*, Resent-*, ARC-*.",
            "additionalProperties": {
              "type": "string",
              "maxLength": 998
            }
          }
        }
      },
      "Attachment": {
        "type": "object",
        "additionalProperties": false,
        "required": [
          "filename",
          "contentBase64"
        ],
        "properties": {
          "filename": {
            "type": "string",
            "maxLength": 255
          },
          "contentType": {
            "type": "string",
            "default": "application/octet-stream",
            "description": "Not multipart/* or message/*."
          },
          "contentBase64": {
            "type": "string",
            "contentEncoding": "base64"
          }
        }
      },
      "SubmitResponse": {
        "type": "object",
        "required": [
          "messageId"
        ],
        "properties": {
          "messageId": {
            "type": "string",
            "pattern": "^[0-9a-f]{28}$"
          }
        }
      },
      "MessageStatusResponse": {
        "type": "object",
        "required": [
          "messageId",
          "recipients"
        ],
        "properties": {
          "messageId": {
            "type": "string"
          },
          "recipients": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/RecipientStatus"
            },
            "description": "Empty while the message waits to be routed."
          }
        }
      },
      "RecipientStatus": {
        "type": "object",
        "required": [
          "address",
          "status",
          "attempts",
          "updatedAt"
        ],
        "properties": {
          "address": {
            "type": "string"
          },
          "status": {
            "type": "string",
            "enum": [
              "pending",
              "delivered",
              "deferred",
              "failed"
            ]
          },
          "attempts": {
            "type": "integer",
            "minimum": 0
          },
          "lastReply": {
            "type": [
              "string",
              "null"
            ],
            "description": "Last SMTP reply or a short reason."
          },
          "updatedAt": {
            "type": "string",
            "format": "date-time"
          }
        }
      },
      "ProblemDetails": {
        "type": "object",
        "required": [
          "type",
          "title",
          "status",
          "detail"
        ],
        "properties": {
          "type": {
            "type": "string",
            "format": "uri",
            "examples": [
              "urn:cloudmail:problem:invalid-message"
            ]
          },
          "title": {
            "type": "string"
          },
          "status": {
            "type": "integer"
          },
          "detail": {
            "type": "string",
            "description": "What is wrong and how to fix it."
          },
          "errors": {
            "type": "object",
            "description": "Field path (to[1], attachments[0].contentBase64, headers.X-Tag) to messages.",
            "additionalProperties": {
              "type": "array",
              "items": {
                "type": "string"
              }
            }
          }
        }
      }
    }
  }
}
""";
}
