// CloudFront Function (cloudfront-js-2.0), viewer-request, attached ONLY to the default (S3) behaviour.
// Client-side routes such as /loans/42 have no file extension: serve the app shell for them, so a
// deep link or a refresh works. Real files (/assets/index-3f9a.js, /favicon.ico) pass through, and a
// missing asset stays a 403/404 instead of turning into HTML. /api/*, /auth/* and /health/* never
// reach this function because their behaviours point at the ALB.
function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var lastSegment = uri.substring(uri.lastIndexOf('/') + 1);
  if (lastSegment.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}
