"""The times the launch desk tests share."""

import datetime as dt

MOMENT = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
NET = dt.datetime(2026, 3, 4, 14, 0, tzinfo=dt.UTC)
PREVIEW = -dt.timedelta(hours=24)
LIVE = -dt.timedelta(hours=2)
