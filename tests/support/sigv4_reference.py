"""AWS's own SigV4 signer (botocore) as a reference for the upload tests.

    sigv4_reference.py put URL AMZ_DATE REGION ACCESS_KEY SECRET BODY_FILE HEADER:VALUE...
        prints the Authorization header botocore's S3 signer gives a PUT of BODY_FILE's bytes to URL
    sigv4_reference.py presign URL AMZ_DATE REGION ACCESS_KEY SECRET EXPIRES
        prints the presigned GET URL botocore's S3 query signer gives URL

URL is the https URL as sent on the wire (path already percent-encoded). Exit status 3 when botocore is
missing (the calling test then skips).
"""
import datetime
import sys

try:
    import botocore.auth as auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
except ImportError:
    sys.exit(3)

mode, url, amz_date, region, access_key, secret = sys.argv[1:7]
fixed = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ")
if hasattr(auth, "get_current_datetime"):
    auth.get_current_datetime = lambda *args, **kwargs: fixed
else:  # older botocore reads datetime.datetime.utcnow()

    class _FixedClock(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return fixed

    _timedelta = datetime.timedelta

    class _DatetimeModule:
        datetime = _FixedClock
        timedelta = _timedelta

    auth.datetime = _DatetimeModule

credentials = Credentials(access_key, secret)
if mode == "put":
    with open(sys.argv[7], "rb") as body_file:
        body = body_file.read()
    headers = dict(field.split(":", 1) for field in sys.argv[8:])
    request = AWSRequest(method="PUT", url=url, data=body, headers=headers)
    auth.S3SigV4Auth(credentials, "s3", region).add_auth(request)
    print(request.headers["Authorization"])
elif mode == "presign":
    request = AWSRequest(method="GET", url=url)
    auth.S3SigV4QueryAuth(credentials, "s3", region, expires=int(sys.argv[7])).add_auth(request)
    print(request.url)
else:
    sys.exit(2)
