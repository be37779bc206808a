/* curl_multi_poll.c - the libcurl peer of `seedance-bench poll`: status-style GETs on C keep-alive connections
 * from one thread with the multi interface (C easy handles, each re-added as soon as its transfer ends, so each
 * keeps one connection of the multi handle's cache busy).
 *
 *   curl_multi_poll --url URL [--ca-file PEM] --connections C --seconds S
 *
 * Prints one line: requests_per_s=... p50_us=... p99_us=... errors=...
 * Same request headers as seedance-bench (Accept, Authorization); HTTP/1.1; peer verification on. */
#include <curl/curl.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t discard_body(char* data, size_t size, size_t count, void* user) {
  (void)data;
  (void)user;
  return size * count;
}

static int compare_u32(const void* a, const void* b) {
  const uint32_t x = *(const uint32_t*)a, y = *(const uint32_t*)b;
  return x < y ? -1 : x > y;
}

static double percentile(const uint32_t* sorted, size_t n, double p) {
  size_t rank;
  if (n == 0) return 0;
  rank = (size_t)ceil(p * (double)n);
  if (rank == 0) rank = 1;
  if (rank > n) rank = n;
  return sorted[rank - 1];
}

static void usage(void) {
  fprintf(stderr, "usage: curl_multi_poll --url URL [--ca-file PEM] --connections C --seconds S\n");
}

int main(int argc, char** argv) {
  const char* url = NULL;
  const char* ca_file = NULL;
  long connections = 0;
  double seconds = 0;
  int i;
  for (i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--url") == 0) {
      url = argv[i + 1];
    } else if (strcmp(argv[i], "--ca-file") == 0) {
      ca_file = argv[i + 1];
    } else if (strcmp(argv[i], "--connections") == 0) {
      connections = strtol(argv[i + 1], NULL, 10);
    } else if (strcmp(argv[i], "--seconds") == 0) {
      seconds = strtod(argv[i + 1], NULL);
    } else {
      usage();
      return 2;
    }
  }
  if (i != argc || url == NULL || connections < 1 || connections > 10000 || !(seconds > 0 && seconds <= 3600)) {
    usage();
    return 2;
  }

  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return 1;
  CURLM* multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, connections);
  curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, connections);

  struct curl_slist* headers = NULL;
  headers = curl_slist_append(headers, "Accept: application/json");
  headers = curl_slist_append(headers, "Authorization: Bearer bench-dummy-key");

  CURL** easy = calloc((size_t)connections, sizeof *easy);
  double* started = calloc((size_t)connections, sizeof *started);
  size_t capacity = 1u << 20, count = 0;
  uint32_t* latencies = malloc(capacity * sizeof *latencies);
  if (easy == NULL || started == NULL || latencies == NULL) return 1;

  const double start = now_seconds();
  const double stop_at = start + seconds;
  for (i = 0; i < connections; ++i) {
    easy[i] = curl_easy_init();
    curl_easy_setopt(easy[i], CURLOPT_URL, url);
    curl_easy_setopt(easy[i], CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy[i], CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, discard_body);
    curl_easy_setopt(easy[i], CURLOPT_PRIVATE, (void*)(intptr_t)i);
    curl_easy_setopt(easy[i], CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy[i], CURLOPT_TCP_NODELAY, 1L);
    if (ca_file != NULL && ca_file[0] != '\0') curl_easy_setopt(easy[i], CURLOPT_CAINFO, ca_file);
    started[i] = now_seconds();
    curl_multi_add_handle(multi, easy[i]);
  }

  unsigned long long errors = 0;
  int running = (int)connections;
  /* Bounded: ends when every handle finished after the deadline, or at most 60 s after it. */
  while (running > 0) {
    int still = 0, queued = 0, handled = 0;
    CURLMcode mc = curl_multi_perform(multi, &still);
    if (mc != CURLM_OK) {
      fprintf(stderr, "curl_multi_perform: %s\n", curl_multi_strerror(mc));
      return 1;
    }
    CURLMsg* message;
    while ((message = curl_multi_info_read(multi, &queued)) != NULL) {
      if (message->msg != CURLMSG_DONE) continue;
      ++handled;
      CURL* handle = message->easy_handle;
      void* private_data = NULL;
      long status = 0;
      curl_easy_getinfo(handle, CURLINFO_PRIVATE, &private_data);
      curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
      const int index = (int)(intptr_t)private_data;
      const double finished = now_seconds();
      if (message->data.result != CURLE_OK || status != 200) {
        if (errors++ == 0)
          fprintf(stderr, "curl_multi_poll: first error: %s (HTTP %ld)\n", curl_easy_strerror(message->data.result),
                  status);
      } else {
        if (count == capacity) {
          uint32_t* grown = realloc(latencies, 2 * capacity * sizeof *latencies);
          if (grown == NULL) return 1;
          latencies = grown;
          capacity *= 2;
        }
        latencies[count++] = (uint32_t)((finished - started[index]) * 1e6);
      }
      curl_multi_remove_handle(multi, handle);
      --running;
      if (finished < stop_at && errors <= 100) {
        started[index] = now_seconds();
        curl_multi_add_handle(multi, handle);
        ++running;
      }
    }
    if (now_seconds() > stop_at + 60) break;
    /* Only now wait: finished transfers were collected and re-added first, so none waits for the timeout. */
    if (running > 0 && handled == 0) {
      mc = curl_multi_poll(multi, NULL, 0, 100, NULL);
      if (mc != CURLM_OK) {
        fprintf(stderr, "curl_multi_poll: %s\n", curl_multi_strerror(mc));
        return 1;
      }
    }
  }
  const double elapsed = now_seconds() - start;

  qsort(latencies, count, sizeof *latencies, compare_u32);
  printf("requests_per_s=%.0f p50_us=%.0f p99_us=%.0f errors=%llu\n", (double)count / elapsed,
         percentile(latencies, count, 0.50), percentile(latencies, count, 0.99), errors);

  for (i = 0; i < connections; ++i) curl_easy_cleanup(easy[i]);
  curl_multi_cleanup(multi);
  curl_slist_free_all(headers);
  curl_global_cleanup();
  free(latencies);
  free(started);
  free(easy);
  return errors > 0 ? 1 : 0;
}
