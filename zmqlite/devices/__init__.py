"""Background devices, as pyzmq's ``zmq.devices`` (same submodules): ``Device``,
``Proxy``, ``ProxySteerable`` and ``MonitoredQueue``, each also as ``Thread*`` and
``Process*``, and ``monitored_queue``."""

from .._core import device, proxy, proxy_steerable
from ..constants import DeviceType, FORWARDER, QUEUE, STREAMER
from . import basedevice, monitoredqueue, monitoredqueuedevice, proxydevice, proxysteerabledevice
from .basedevice import *  # noqa: F403
from .monitoredqueue import *  # noqa: F403
from .monitoredqueuedevice import *  # noqa: F403
from .proxydevice import *  # noqa: F403
from .proxysteerabledevice import *  # noqa: F403

__all__ = ["device", "proxy", "proxy_steerable", "DeviceType", "QUEUE", "FORWARDER", "STREAMER"]
for _submodule in (basedevice, proxydevice, proxysteerabledevice, monitoredqueue,
                   monitoredqueuedevice):
    __all__.extend(_submodule.__all__)
