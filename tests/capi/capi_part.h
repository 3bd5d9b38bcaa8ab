/*
 * One part of a multipart/form-data body a simulated server received, as
 * the C test beds hand it out (httpbin_bed.h, sspc_bed.h). The strings
 * stay valid until the bed is destroyed; a header the part lacks is "".
 */
#ifndef SS_TESTS_CAPI_CAPI_PART_H
#define SS_TESTS_CAPI_CAPI_PART_H

#include <stddef.h>

struct capi_part {
	const char *disposition;  /* Content-Disposition */
	const char *content_type; /* Content-Type */
	const char *data;
	size_t len;
};

#ifdef __cplusplus
#include <deque>
#include <string>

#include "runtime/proto/http/multipart_splitter.h"

namespace ss::capi_testing {

// Part k of `body` (its Content-Type `content_type`) into *part, its
// strings kept in `keep`. Returns the number of parts, or -1 when the body
// is not a well-formed multipart body.
inline int read_part(const std::string& content_type, const std::string& body, std::size_t k,
                     struct capi_part* part, std::deque<std::string>& keep) {
  auto parts = proto::http::split_multipart(content_type, body);
  if (!parts) return -1;
  if (part && k < parts->size()) {
    const auto& p = (*parts)[k];
    keep.emplace_back(proto::h1::find_header(p.headers, "content-disposition").value_or(""));
    part->disposition = keep.back().c_str();
    keep.emplace_back(proto::h1::find_header(p.headers, "content-type").value_or(""));
    part->content_type = keep.back().c_str();
    keep.emplace_back(p.data);
    part->data = keep.back().data();
    part->len = keep.back().size();
  }
  return static_cast<int>(parts->size());
}

}  // namespace ss::capi_testing
#endif

#endif
