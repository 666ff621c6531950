// The OpenAPI 3.1 document, built from the route table: every route with
// its summary, tag, parameters, request schema and problem answers.
#include "api/app.h"

namespace ecab::api {

using nlohmann::json;

namespace {

// The path, query and header parameters of a route.
json ParametersOf(const Route& r) {
  json parameters = json::array();
  for (std::size_t open = r.pattern.find('{'); open != std::string::npos;
       open = r.pattern.find('{', open + 1)) {
    const std::string name = r.pattern.substr(open + 1, r.pattern.find('}', open) - open - 1);
    parameters.push_back(
        {{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
  }
  for (const auto& q : r.query) {
    parameters.push_back(
        {{"name", q}, {"in", "query"}, {"required", false}, {"schema", {{"type", "string"}}}});
  }
  if (r.method == "GET" && r.authenticated && !r.websocket) {
    parameters.push_back({{"name", "min_position"},
                          {"in", "query"},
                          {"required", false},
                          {"description", "wait until the read models include this log position"},
                          {"schema", {{"type", "integer"}, {"minimum", 0}}}});
  }
  if (r.command) {
    parameters.push_back(
        {{"name", "Idempotency-Key"},
         {"in", "header"},
         {"required", false},
         {"description", "becomes the command id; a retry returns the first result"},
         {"schema", {{"type", "string"}, {"maxLength", 200}}}});
    parameters.push_back({{"name", "X-On-Behalf-Of"},
                          {"in", "header"},
                          {"required", false},
                          {"description", "a substitute names the member they stand in for"},
                          {"schema", {{"type", "string"}}}});
  }
  return parameters;
}

// The answers of a route: its success, and the problems any route may give.
json ResponsesOf(const Route& r) {
  json responses = json::object();
  if (r.websocket) {
    responses["101"] = {
        {"description",
         "switching to the WebSocket protocol; text messages, one JSON object each"}};
  } else if (r.command) {
    responses["201"] = {
        {"description", "the events were appended"},
        {"content",
         {{"application/json", {{"schema", {{"$ref", "#/components/schemas/CommandResult"}}}}}}}};
    responses["200"] = {
        {"description", "a retry under the same Idempotency-Key: the first result"},
        {"content",
         {{"application/json", {{"schema", {{"$ref", "#/components/schemas/CommandResult"}}}}}}}};
  } else if (r.open_upload) {
    for (const char* status : {"201", "200"}) {
      responses[status] = {
          {"description", std::string(status) == "201"
                              ? "stored: the version was added (text extraction pending)"
                              : "that version holds this content already"},
          {"content", {{"application/json", json::object()}}}};
    }
  } else if (r.pattern.ends_with("/content")) {
    const json file = {{"*/*", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}};
    responses["200"] = {{"description", "the file (Content-Type: its sniffed type)"},
                        {"content", file}};
    responses["206"] = {{"description", "the range asked for (Content-Range)"}, {"content", file}};
    responses["304"] = {{"description", "If-None-Match held the ETag: not modified"}};
    responses["416"] = {{"$ref", "#/components/responses/Problem"}};
  } else {
    responses["200"] = {{"description", "OK"},
                        {"content",
                         {{r.pattern.ends_with("/export") ? "application/x-tar"
                           : r.pattern == "/metrics"      ? "text/plain"
                                                          : "application/json",
                           json::object()}}}};
  }
  for (int status : {400, 401, 403, 404, 409, 413, 415, 422, 429}) {
    responses[std::to_string(status)] = {{"$ref", "#/components/responses/Problem"}};
  }
  return responses;
}

json OperationOf(const Route& r) {
  json op = {{"summary", r.summary}, {"tags", {r.tag}}};
  std::string id = r.method;
  for (char ch : r.pattern) id.push_back(std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_');
  op["operationId"] = id;
  if (json parameters = ParametersOf(r); !parameters.empty()) op["parameters"] = parameters;
  if (r.open_upload) {
    op["requestBody"] = {
        {"required", true},
        {"description", "the file's bytes as they are (streamed; not JSON, not base64)"},
        {"content",
         {{"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
  } else if (r.method != "GET" && r.method != "DELETE") {
    op["requestBody"] = {{"required", !r.schema.empty()},
                         {"content", {{"application/json", {{"schema", JsonSchemaOf(r.schema)}}}}}};
  }
  op["responses"] = ResponsesOf(r);
  op["security"] = r.authenticated ? json::array({{{"bearer", json::array()}}}) : json::array();
  return op;
}

// The shared parts: the bearer scheme, the problem answer, the schemas of
// problems, signatures and command results.
json Components() {
  return {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
          {"responses",
           {{"Problem",
             {{"description", "an RFC 9457 problem"},
              {"content",
               {{"application/problem+json",
                 {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}}}}},
          {"schemas",
           {{"Problem",
             {{"type", "object"},
              {"required", {"type", "title", "status", "detail"}},
              {"properties",
               {{"type", {{"type", "string"}, {"format", "uri"}}},
                {"title", {{"type", "string"}}},
                {"status", {{"type", "integer"}}},
                {"detail", {{"type", "string"}}},
                {"field", {{"type", "string"}}}}}}},
            {"Signature",
             {{"type", "object"},
              {"additionalProperties", false},
              {"required", {"algorithm", "value", "certificate", "signed_at"}},
              {"properties",
               {{"algorithm",
                 {{"type", "string"},
                  {"enum",
                   {"ed25519", "ecdsa-p256-sha256", "ecdsa-p256-sha256-p1363", "rsa-pkcs1-sha256",
                    "rsa-pss-sha256"}}}},
                {"value", {{"type", "string"}, {"contentEncoding", "base64"}}},
                {"certificate",
                 {{"type", "string"}, {"description", "sha256:<hex> of the enrolled certificate"}}},
                {"signed_at", {{"type", "string"}, {"format", "date-time"}}}}}}},
            {"CommandResult",
             {{"type", "object"},
              {"properties",
               {{"command_id", {{"type", "string"}}},
                {"stream", {{"type", "string"}}},
                {"stream_version", {{"type", "integer"}}},
                {"positions", {{"type", "array"}, {"items", {{"type", "integer"}}}}},
                {"first_position", {{"type", "integer"}}},
                {"last_position", {{"type", "integer"}}},
                {"replayed", {{"type", "boolean"}}}}}}}}}};
}

}  // namespace

json App::OpenApi() const {
  json paths = json::object();
  for (const Route& r : routes_) {
    std::string lower = r.method;
    for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    paths[r.pattern][lower] = OperationOf(r);
  }
  return {{"openapi", "3.1.0"},
          {"info",
           {{"title", "e-Cabinet API"},
            {"version", "1"},
            {"description",
             "Commands and queries of the e-Cabinet backend. Errors are RFC 9457 problem documents "
             "whose 'type' is "
             "stable per error."},
            {"license", {{"name", "Apache-2.0"}, {"identifier", "Apache-2.0"}}}}},
          // The node that serves this document, over HTTPS, at its own address.
          {"servers", json::array({{{"url", "/"}, {"description", "this node"}}})},
          {"paths", paths},
          {"components", Components()}};
}

}  // namespace ecab::api
