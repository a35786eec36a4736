"""The Docker Engine itself: the connection, labelled containers, images, a container's processes.

Uses lab.core only."""
