import BackendStore
import Hummingbird

/// The doors: registered (with a ready config.json), named, put in a room, given
/// classes to serve, let in without a secret (an original device), removed.
struct DevicesAPI: APIRoutes {
    let services: ServerServices
    let broadcaster: RosterBroadcaster

    func register(on api: RouterGroup<ServerRequestContext>) {
        api.get("settings") { _, _ in
            try JSONResponse.make(["openDevices": services.configuration.openDevices])
        }
        // A teacher sees the devices serving their classes (their live view); others see all.
        api.get("devices") { request, context in
            let principal = try context.requirePrincipal()
            let organizationId = try await organization(request, context, needs: nil)
            var devices = try await stores.devices.devices(organizationId: organizationId)
            // Unregistered devices let in by --open-devices have no row: listed while connected.
            for (id, link) in await services.hub.allDevices() where !link.registered && link.organizationId == organizationId {
                devices.append(Device(unregistered: id, organizationId: link.organizationId))
            }
            var visible: [Device] = []
            for device in devices where try await services.mayWatch(device.id, principal: principal) {
                visible.append(device)
            }
            return try JSONResponse.make(visible)
        }
        api.post("devices") { request, context in
            struct Body: Decodable { let deviceId: String; let organizationId: String?; let name: String?; let room: String?; let admitWithoutSecret: Bool? }
            let principal = try context.requirePrincipal()
            let body = try await body(Body.self, of: request)
            let organizationId = try await organization(named: body.organizationId, context, needs: .roster)
            guard try await stores.roster.organization(organizationId) != nil else { throw APIError(.notFound, "no organization \(organizationId)") }
            let secret = try await stores.devices.register(id: body.deviceId, organizationId: organizationId, name: body.name ?? body.deviceId,
                                                           admitWithoutSecret: body.admitWithoutSecret ?? false)
            if let room = body.room { try await stores.devices.setRoom(room, deviceId: body.deviceId) }
            await services.audit(principal, organizationId: organizationId, "device.register", target: body.deviceId,
                                 detail: body.admitWithoutSecret == true ? "admitted without a secret" : "")
            return try await issued(secret, to: body.deviceId, status: .created)
        }
        // A lost or leaked config.json: a new secret, and the old one stops working at once.
        api.post("devices/:id/secret") { _, context in
            let principal = try context.requirePrincipal()
            let device = try await managedDevice(try context.parameters.require("id"), for: principal)
            let secret = try await stores.devices.renewSecret(device.id)
            await services.audit(principal, organizationId: device.organizationId, "device.secret", target: device.id)
            return try await issued(secret, to: device.id, status: .ok)
        }
        api.patch("devices/:id") { request, context in
            struct Body: Decodable { let admitWithoutSecret: Bool?; let name: String?; let room: String?; let classIds: [String]? }
            let principal = try context.requirePrincipal()
            let device = try await managedDevice(try context.parameters.require("id"), for: principal)
            let body = try await body(Body.self, of: request)
            if let admit = body.admitWithoutSecret { try await stores.devices.setAdmitWithoutSecret(admit, deviceId: device.id) }
            if let name = body.name { try await stores.devices.rename(device.id, to: name) }
            if let room = body.room { try await stores.devices.setRoom(room, deviceId: device.id) }
            if let classIds = body.classIds {
                try await stores.devices.setClasses(classIds, deviceId: device.id)
                await broadcaster.pushChanges(organizationId: device.organizationId)
            }
            await services.audit(principal, organizationId: device.organizationId, "device.change", target: device.id,
                                 detail: [body.admitWithoutSecret.map { "admit without secret: \($0)" }, body.name.map { "name \($0)" },
                                          body.room.map { "room \($0)" }, body.classIds.map { "\($0.count) classes" }]
                                     .compactMap { $0 }.joined(separator: ", "))
            return try JSONResponse.make(try await stores.devices.device(device.id)!)
        }
        api.delete("devices/:id") { _, context in
            let principal = try context.requirePrincipal()
            let device = try await managedDevice(try context.parameters.require("id"), for: principal)
            try await stores.devices.remove(device.id)
            await services.audit(principal, organizationId: device.organizationId, "device.remove", target: device.id)
            return Response(status: .noContent)
        }
    }

    /// A device with its secret and ready config.json, shown this once.
    private func issued(_ secret: String, to deviceId: String, status: HTTPResponse.Status) async throws -> Response {
        struct Issued: Encodable { let device: Device; let secret: String; let config: DeviceConfigFile }
        let device = try await stores.devices.device(deviceId)!
        let config = DeviceConfigFile(serverURL: services.publicURL, deviceId: device.id, organizationId: device.organizationId, secret: secret)
        return try JSONResponse.make(Issued(device: device, secret: secret, config: config), status: status)
    }

    private func managedDevice(_ id: String, for principal: Principal) async throws -> Device {
        guard let device = try await stores.devices.device(id) else { throw APIError(.notFound, "no device \(id)") }
        try principal.require(.roster, in: device.organizationId)
        return device
    }
}
