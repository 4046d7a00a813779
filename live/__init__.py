"""Live push over Socket.IO: events leave here for the command-centre screens."""
