/* Kafka sink TLS/SASL checks and broker-side failure sentences (see
 * sink_kafka_tls.h). librdkafka's own texts say "system lib" for an
 * unreadable CA and "certificate verify failed" for an unknown CA, an
 * expired certificate and a host name mismatch alike: these say which. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include "sink/sink_kafka_instance.h"

/* A property of the configuration template into buf ("" when unset). */
static void conf_get(rd_kafka_conf_t *conf, const char *name, char *buf, size_t len)
{
	size_t size = len;

	if (rd_kafka_conf_get(conf, name, buf, &size) != RD_KAFKA_CONF_OK)
		buf[0] = '\0';
}

static int open_pem(const char *what, const char *prop, const char *path, BIO **out, char *err,
		    size_t errlen)
{
	struct stat sb;

	if (stat(path, &sb) || !(*out = BIO_new_file(path, "r"))) {
		snprintf(err, errlen, "kafka sink: cannot read the %s %s (%s): %s", what, path, prop,
			 strerror(errno ? errno : EIO));
		return -EINVAL;
	}
	return 0;
}

/* ssl.ca.location: a PEM file with at least one certificate, or a
 * directory of them (then only its presence is checked). */
static int check_ca(const char *path, char *err, size_t errlen)
{
	struct stat sb;
	BIO *bio = NULL;
	X509 *x = NULL;
	int rc;

	if (!stat(path, &sb) && S_ISDIR(sb.st_mode))
		return 0;
	rc = open_pem("CA file", "ssl.ca.location", path, &bio, err, errlen);
	if (rc)
		goto cleanup;
	x = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	if (!x) {
		snprintf(err, errlen, "kafka sink: the CA file %s (ssl.ca.location) holds no PEM "
			 "certificate", path);
		rc = -EINVAL;
	}
cleanup:
	X509_free(x);
	BIO_free(bio);
	ERR_clear_error();
	return rc;
}

static int key_password_cb(char *buf, int size, int rwflag, void *u)
{
	const char *pw = u;
	int n = pw ? (int)strlen(pw) : 0;

	(void)rwflag;
	if (n > size)
		n = size;
	if (n)
		memcpy(buf, pw, (size_t)n);
	return n;
}

/* ssl.certificate.location + ssl.key.location: both readable, the key
 * decrypted with ssl.key.password, and the key the certificate's. */
static int check_pair(const char *cert_path, const char *key_path, const char *key_pw, char *err,
		      size_t errlen)
{
	BIO *cb = NULL, *kb = NULL;
	X509 *cert = NULL;
	EVP_PKEY *key = NULL;
	int rc;

	rc = open_pem("client certificate", "ssl.certificate.location", cert_path, &cb, err, errlen);
	if (rc)
		goto cleanup;
	rc = open_pem("client key", "ssl.key.location", key_path, &kb, err, errlen);
	if (rc)
		goto cleanup;
	rc = -EINVAL;
	cert = PEM_read_bio_X509(cb, NULL, NULL, NULL);
	if (!cert) {
		snprintf(err, errlen, "kafka sink: the client certificate %s (ssl.certificate.location) "
			 "holds no PEM certificate", cert_path);
		goto cleanup;
	}
	key = PEM_read_bio_PrivateKey(kb, NULL, key_password_cb, (void *)key_pw);
	if (!key) {
		snprintf(err, errlen, "kafka sink: cannot load the client key %s (ssl.key.location): "
			 "not a PEM private key, or %s", key_path,
			 *key_pw ? "ssl_key_password does not decrypt it" :
				   "it is encrypted and ssl_key_password is not set");
		goto cleanup;
	}
	if (X509_check_private_key(cert, key) != 1) {
		snprintf(err, errlen, "kafka sink: the client key %s (ssl.key.location) does not match "
			 "the certificate %s (ssl.certificate.location)", key_path, cert_path);
		goto cleanup;
	}
	rc = 0;
cleanup:
	EVP_PKEY_free(key);
	X509_free(cert);
	BIO_free(kb);
	BIO_free(cb);
	ERR_clear_error();
	return rc;
}

/* Depth and X509 error of the last failed verification, packed so one
 * store publishes both to the main thread. */
#define VERIFY_PACK(e, d) ((e) * 16 + ((d) > 15 ? 15 : (d)))

static int on_cert_verify(rd_kafka_t *rk, const char *broker_name, int32_t broker_id,
			  int *x509_error, int depth, const char *buf, size_t size, char *errstr,
			  size_t errstr_size, void *opaque)
{
	struct sink_kafka *s = opaque;

	(void)rk, (void)broker_id, (void)buf, (void)size;
	if (!*x509_error)
		return 1; /* OpenSSL verified this certificate */
	__atomic_store_n(&s->tls.verify_error, VERIFY_PACK(*x509_error, depth), __ATOMIC_RELAXED);
	snprintf(errstr, errstr_size, "%s (broker %s)",
		 X509_verify_cert_error_string(*x509_error), broker_name);
	return 0;
}

int sink_kafka_tls_check(rd_kafka_conf_t *conf, char *err, size_t errlen)
{
	char proto[32], ca[1024], cert[1024], key[1024], key_pw[1024];
	int rc = 0;

	conf_get(conf, "security.protocol", proto, sizeof(proto));
	if (strcasecmp(proto, "ssl") && strcasecmp(proto, "sasl_ssl"))
		return 0;
	conf_get(conf, "ssl.ca.location", ca, sizeof(ca));
	conf_get(conf, "ssl.certificate.location", cert, sizeof(cert));
	conf_get(conf, "ssl.key.location", key, sizeof(key));
	conf_get(conf, "ssl.key.password", key_pw, sizeof(key_pw));
	if (*ca && strcmp(ca, "probe"))
		rc = check_ca(ca, err, errlen);
	if (!rc && (*cert || *key)) {
		if (!*cert || !*key) {
			snprintf(err, errlen, "kafka sink: a client certificate needs both "
				 "ssl.certificate.location and ssl.key.location");
			rc = -EINVAL;
		} else {
			rc = check_pair(cert, key, key_pw, err, errlen);
		}
	}
	explicit_bzero(key_pw, sizeof(key_pw));
	if (!rc)
		rd_kafka_conf_set_ssl_cert_verify_cb(conf, on_cert_verify);
	return rc;
}

static void say(struct sink_kafka *s, const char *fmt, const char *arg)
{
	snprintf(s->tls.last_reason, sizeof(s->tls.last_reason), fmt, arg);
}

/* The broker's certificate failed our verification (on_cert_verify). */
static void explain_verify(struct sink_kafka *s, int packed)
{
	int e = packed / 16, depth = packed % 16;
	const char *whose = depth ? "a CA certificate in the broker's chain" : "the broker's certificate";

	switch (e) {
	case X509_V_ERR_CERT_HAS_EXPIRED:
		say(s, "%s has expired", whose);
		break;
	case X509_V_ERR_CERT_NOT_YET_VALID:
		say(s, "%s is not valid yet (check the clocks)", whose);
		break;
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		say(s, "%s", "the broker's certificate is not signed by a CA in ssl.ca.location "
		    "(unknown CA)");
		break;
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH:
		say(s, "%s", "the broker's certificate is not issued for the address ringtap "
		    "connects to (hostname mismatch)");
		break;
	default:
		say(s, "the broker's certificate failed verification: %s",
		    X509_verify_cert_error_string(e));
	}
}

/* When the broker refuses our client certificate: is it expired? Then say
 * since when (written into until, e.g. "Jan  2 00:00:00 2020 GMT"). */
static bool client_cert_expired(rd_kafka_conf_t *conf, char *until, size_t len)
{
	char path[1024];
	BIO *bio = NULL, *mem = NULL;
	X509 *cert = NULL;
	bool expired = false;

	conf_get(conf, "ssl.certificate.location", path, sizeof(path));
	if (!*path || !(bio = BIO_new_file(path, "r")) ||
	    !(cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
		goto cleanup;
	expired = X509_cmp_current_time(X509_get0_notAfter(cert)) < 0;
	mem = BIO_new(BIO_s_mem());
	if (expired && mem && ASN1_TIME_print(mem, X509_get0_notAfter(cert)) > 0) {
		int n = BIO_read(mem, until, (int)len - 1);
		until[n > 0 ? n : 0] = '\0';
	}
cleanup:
	BIO_free(mem);
	X509_free(cert);
	BIO_free(bio);
	ERR_clear_error();
	return expired;
}

int sink_kafka_tls_note_error(struct sink_kafka *s, int err, const char *reason)
{
	char until[64] = "";

	int packed;

	if (err == RD_KAFKA_RESP_ERR__AUTHENTICATION) {
		s->tls.auth_errors++;
		if (strstr(reason, "SCRAM") && rd_kafka_version() < 0x020601ff)
			say(s, "the broker refused the SASL credentials: wrong sasl.username or "
			    "sasl_password, or a Kafka 4 broker, whose SCRAM needs librdkafka 2.6.1 or "
			    "later (this is %s)", rd_kafka_version_str());
		else
			say(s, "%s", "the broker refused the SASL credentials: wrong sasl.username or "
			    "sasl_password, or a mechanism the listener does not enable");
		return 1;
	}
	if (err == RD_KAFKA_RESP_ERR__SSL) {
		s->tls.tls_errors++;
		packed = __atomic_exchange_n(&s->tls.verify_error, 0, __ATOMIC_RELAXED);
		if (packed)
			explain_verify(s, packed);
		else
			say(s, "the TLS handshake with the broker failed: %s", reason);
		return 1;
	}
	/* The broker ends the handshake with an alert when it refuses our
	 * client certificate; librdkafka reports that as a transport error. */
	if (err == RD_KAFKA_RESP_ERR__TRANSPORT && strstr(reason, "alert")) {
		s->tls.tls_errors++;
		if (client_cert_expired(s->conf, until, sizeof(until)))
			say(s, "the broker refused ringtap's client certificate "
			    "(ssl.certificate.location): it expired on %s", until);
		else if (strstr(reason, "certificate expired"))
			say(s, "%s", "the broker refused ringtap's client certificate "
			    "(ssl.certificate.location): it has expired");
		else if (strstr(reason, "unknown ca") || strstr(reason, "bad certificate") ||
			 strstr(reason, "certificate unknown") || strstr(reason, "certificate required"))
			say(s, "%s", "the broker refused ringtap's client certificate "
			    "(ssl.certificate.location): missing, or not signed by a CA the broker trusts");
		else
			say(s, "the broker ended the TLS handshake: %s", reason);
		return 1;
	}
	return 0;
}
